#!/usr/bin/env python3
"""An independent writer of a legacy export (issue 18), for the import tests.

It shares no code with AMS: each hash format is computed here from its definition with
Python's hashlib/hmac and libxcrypt's bcrypt (the `crypt` module), so an import that
misreads a byte layout fails the tests instead of agreeing with itself.

usage: legacy-export.py OUT_DIR ACCOUNTS [SEED [FORMAT,FORMAT…]]   -> writes the CSV files, prints JSON facts
"""
import base64, csv, hashlib, hmac, json, os, random, struct, sys, warnings

warnings.filterwarnings("ignore", category=DeprecationWarning)
import crypt  # noqa: E402  (libxcrypt: bcrypt $2b$)

b64 = lambda b: base64.b64encode(b).decode()


def identity_v2(pw, salt):
    return b64(b"\x00" + salt + hashlib.pbkdf2_hmac("sha1", pw.encode("utf-8"), salt, 1000, 32))


def identity_v3(pw, salt, prf, iterations):
    name = ["sha1", "sha256", "sha512"][prf]
    sub = hashlib.pbkdf2_hmac(name, pw.encode("utf-8"), salt, iterations, 32)
    return b64(b"\x01" + struct.pack(">III", prf, iterations, len(salt)) + salt + sub)


def membership(pw, salt, algo):
    data = pw.encode("utf-16-le")
    if algo == "hmacsha256":
        key = (salt * (64 // len(salt) + 1))[:64]
        return b64(hmac.new(key, data, hashlib.sha256).digest())
    return b64(hashlib.new(algo, salt + data).digest())


FORMATS = ["aspnet-identity-v2", "aspnet-identity-v3", "membership-sha1", "membership-sha256",
           "membership-hmacsha256", "bcrypt", "clear", "none"]


def hashed(fmt, pw, rnd):
    """(hash, salt) columns for `pw` in `fmt`."""
    if fmt == "aspnet-identity-v2":
        return identity_v2(pw, rnd.randbytes(16)), ""
    if fmt == "aspnet-identity-v3":
        prf = rnd.choice([0, 1, 2])
        return identity_v3(pw, rnd.randbytes(16), prf, rnd.choice([1000, 10000])), ""
    if fmt.startswith("membership-"):
        salt = rnd.randbytes(16)
        return membership(pw, salt, fmt[len("membership-"):]), b64(salt)
    if fmt == "bcrypt":
        return crypt.crypt(pw, crypt.mksalt(crypt.METHOD_BLOWFISH, rounds=16)), ""
    if fmt == "clear":
        return pw, ""
    return "", ""


def main():
    out, count = sys.argv[1], int(sys.argv[2])
    rnd = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 18)
    formats = sys.argv[4].split(",") if len(sys.argv) > 4 else FORMATS
    os.makedirs(out, exist_ok=True)
    facts = {"accounts": [], "partners": [], "licenseKeys": []}
    # Legacy ids far from AMS's own numbering, a root and two children (one inactive).
    entities = [(7001, "", "Legacy Root", "RES", "1"), (7002, "7001", "Reseller Nord", "BIZ", "1"),
                (7003, "7001", "Reseller Süd, \"Alt\"", "", "0")]
    with open(os.path.join(out, "entities.csv"), "w", newline="", encoding="utf-8-sig") as f:
        w = csv.writer(f, lineterminator="\r\n")
        w.writerow(["id", "parent_id", "name", "customer_type_code", "active"])
        # Children first: the import must order parents itself.
        for e in reversed(entities):
            w.writerow(e)
    with open(os.path.join(out, "partner-users.csv"), "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["entity_id", "username", "secret_hash", "hash_format", "salt", "active"])
        for i, fmt in enumerate(["membership-hmacsha256", "aspnet-identity-v3", "bcrypt"]):
            secret = f"partner-secret-{i}-{rnd.randrange(10**6)}"
            h, s = hashed(fmt, secret, rnd)
            name = f"legacy.partner{i}"
            w.writerow([7001, name, h, fmt, s, "true"])
            facts["partners"].append({"username": name, "secret": secret, "format": fmt, "entityId": 7001})
    with open(os.path.join(out, "partner-license-keys.csv"), "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["entity_id", "license_key"])
        key = f"LEGACY-KEY-{rnd.randrange(10**9)}"
        w.writerow([7002, key])
        facts["licenseKeys"].append({"key": key, "entityId": 7002})
    cols = ["entity_id", "username", "password_hash", "hash_format", "salt", "full_name", "email", "quota_mb",
            "ultrasafe", "status", "backup_server", "license_key", "locale_code", "secret_question", "answer_hash",
            "answer_hash_format", "answer_salt", "emails_disabled", "signup_utc", "cancel_utc", "last_signin_utc",
            "payment_plan_id"]
    with open(os.path.join(out, "accounts.csv"), "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\r\n")
        w.writerow(cols)
        for i in range(count):
            fmt = formats[i % len(formats)]
            # Names the creation rules would refuse: a space, an apostrophe, non-ASCII, a long one.
            name = [f"user{i}", f"o'brien {i}", f"jürgen.{i}@legacy", "x" * 200 + str(i)][i % 4]
            pw = f"pw-{i}-Ä{rnd.randrange(10**6)}"
            h, s = hashed(fmt, pw, rnd)
            ah, afs = hashed("membership-sha1", "blue", rnd)
            w.writerow([7002 if i % 2 else 7001, name, h, fmt, s, f"Name {i}", f"user{i}@example.com" if i % 5 else "not-an-email",
                        1024 + i, "1" if i % 7 == 0 else "0", "Active", "backup-1", f"LK-{i}", "en", "Colour?", ah,
                        "membership-sha1", afs, "false", "2015-03-01 12:00:00.000", "", "2020-01-02T03:04:05Z", 3])
            facts["accounts"].append({"username": name, "password": pw, "format": fmt, "entityId": 7002 if i % 2 else 7001})
    json.dump(facts, sys.stdout)


main()
