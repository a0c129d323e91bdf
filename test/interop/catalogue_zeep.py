"""All 24 operations driven by Python zeep on the SOAP 1.2 binding (catalogue-zeep.test.ts).

Usage: /usr/bin/python3 catalogue_zeep.py <wsdl-url>
with AMS_CATALOGUE = JSON {"partner", "wrongPassword", "partnerKey", "users", "passwords",
"emails"} in the environment (secrets stay out of argv). Prints one JSON object of the codes
and values it observed, keyed by step; the TypeScript test asserts on it.

zeep unwraps single-child chains: a flat operation whose only output is <OpResult>, and a
wrapped one whose <OpResult> holds only <Result>, both come back as the ResultInfo itself; an
empty <Message /> comes back as None. `code` copes with every shape.
"""
import json
import os
import sys
from datetime import timezone

from zeep import Client
from zeep.helpers import serialize_object


def code(value):
    if "Code" in value:  # a flattened ResultInfo
        return value["Code"]
    if "Result" in value:  # a wrapped result: ResultInfo, or GetAllAccounts' plain enum
        result = value["Result"]
        return result if isinstance(result, str) else result["Code"]
    flat = [v for k, v in value.items() if k.endswith("Result")]  # a flat <OpResult> with out-parameters
    return flat[0]["Code"]


def iso(moment):
    return None if moment is None else moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def items(array, name):
    return [] if not array else array[name]


def main():
    cfg = json.loads(os.environ["AMS_CATALOGUE"])
    u, pw, mail = cfg["users"], cfg["passwords"], cfg["emails"]
    service = Client(sys.argv[1]).bind("AccountManagementService", "AccountManagementServiceSoap12")
    good = {"AuthHeader": cfg["partner"]}
    wrong = {"AuthHeader": {"UserName": cfg["partner"]["UserName"], "Password": cfg["wrongPassword"]}}
    calls = [0]
    o = {}

    def call(op, headers=good, **kwargs):
        calls[0] += 1
        return serialize_object(getattr(service, op)(_soapheaders=headers, **kwargs), dict)

    def person(user):
        return {"firstName": "Zeep", "userName": user, "password": pw["first"], "email": user + "@example.com",
                "licenseKey": "LK-Z", "localeCode": "en-GB"}

    def by_size(user):
        return {"TargetEntityId": 3, "Username": user, "Password": pw["first"], "AccountSizeMB": 2048, "FullName": "Zeep Example",
                "Email": user + "@example.com", "IsUltrasafe": False, "DisableEmailsNotification": False}

    def redeem(token):
        r = call("RedeemAuthorizationToken", request={"Token": token})
        return {"code": code(r), "Username": r["Username"], "EntityId": r["EntityId"], "IsAppUser": r["IsAppUser"]}

    def info(user):
        r = call("GetAccountInfo", userName=user)
        return code(r), r["accountInfo"] or {}

    # Creating, five ways.
    o["CreateAccountBySize"] = code(call("CreateAccountBySize", request=by_size(u["size"])))
    o["CreateAccountBySize.again"] = code(call("CreateAccountBySize", request=by_size(u["size"])))
    o["CreateAccount"] = code(call("CreateAccount", **person(u["obsolete"])))
    o["CreateUltraSafeAccount"] = code(call("CreateUltraSafeAccount", **person(u["ultra"]), secretQuestion="Pet?", answer="Rex"))
    o["CreateAccountByPartnerLicenseKey"] = code(call("CreateAccountByPartnerLicenseKey", **person(u["plk"]), partnerLicenseKey=cfg["partnerKey"],
                                                      isUltraSafe=False, secretQuestion="Pet?", answer="Rex"))
    generated = call("GenerateCreatingAccountToken", request={"TargetEntityId": 3, "AccountSizeMB": 4096, "IsUltrasafe": True, "ValidForHours": 1})
    o["GenerateCreatingAccountToken"] = code(generated)

    def by_token(user):
        return code(call("CreateAccountByToken", request={"Token": generated["Token"], "Username": user, "Password": pw["first"],
                                                          "FullName": "Zeep Token", "Email": user + "@example.com"}))
    o["CreateAccountByToken"] = by_token(u["token"])
    o["CreateAccountByToken.again"] = by_token(u["token2"])
    created_code, created = info(u["token"])
    o["GetAccountInfo.token"] = {"code": created_code, "EntityId": created.get("EntityId"),
                                 "AccountSizeMB": str(created.get("AccountSizeMB")), "IsUltraSafe": created.get("IsUltraSafe")}

    # Signing in, resetting, and the authentication token revoked by a password change.
    auth = call("Authenticate", userName=u["size"], password=pw["first"])
    o["Authenticate"] = {"code": code(auth), "accountStatus": auth["accountStatus"], "backupServerName": auth["backupServerName"]}
    o["Authenticate.wrong"] = code(call("Authenticate", userName=u["size"], password="not-the-password"))
    o["ChangeBackupAccountPassword"] = code(call("ChangeBackupAccountPassword",
                                                 request={"Username": u["size"], "NewPassword": pw["second"], "SendEmailToCustomer": True}))
    issued = call("GetAuthenticationToken", request={"Username": u["size"], "Password": pw["second"]})
    o["GetAuthenticationToken"] = code(issued)
    valid = call("ValidateAuthenticationToken", request={"Token": issued["Token"]})
    o["ValidateAuthenticationToken"] = {"code": code(valid), "Username": valid["Username"], "AccountStatus": valid["AccountStatus"],
                                        "BackupServerName": valid["BackupServerName"], "ExpiresUtc": iso(valid["ExpiresUtc"])}
    o["ChangeAccountPassword"] = code(call("ChangeAccountPassword", userName=u["size"], password=pw["second"], newPassword=pw["third"]))
    o["ValidateAuthenticationToken.afterChange"] = code(call("ValidateAuthenticationToken", request={"Token": issued["Token"]}))

    # One-time authorization tokens.
    authorization = call("GetAuthorizationToken", request={"Username": u["size"], "Password": pw["third"]})
    o["GetAuthorizationToken"] = code(authorization)
    o["RedeemAuthorizationToken"] = redeem(authorization["AuthToken"])
    o["RedeemAuthorizationToken.again"] = redeem(authorization["AuthToken"])["code"]
    by_entity = call("GetAuthorizationTokenByEntity", request={"Username": cfg["partner"]["UserName"], "IsAppUser": False})
    o["GetAuthorizationTokenByEntity"] = code(by_entity)
    o["RedeemAuthorizationToken.partner"] = redeem(by_entity["AuthToken"])

    # Changes, as GetAccountInfo then shows them.
    o["ChangeAccountEmail"] = code(call("ChangeAccountEmail", userName=u["size"], password=pw["third"], email=mail["one"]))
    o["ChangeBackupAccountEmail"] = code(call("ChangeBackupAccountEmail",
                                              request={"Username": u["size"], "Email": mail["two"], "SendEmailToCustomer": True}))
    o["ChangeAccountLicenseKey"] = code(call("ChangeAccountLicenseKey", userName=u["size"], licenseKey="LK-ZEEP-7"))
    o["ChangeAccountSize"] = code(call("ChangeAccountSize", userName=u["size"], sizeInMB=8192))
    changed_code, changed = info(u["size"])
    o["GetAccountInfo.changed"] = {"code": changed_code, "Email": changed.get("Email"), "LicenseKey": changed.get("LicenseKey"),
                                   "AccountSizeMB": str(changed.get("AccountSizeMB"))}

    # Reports fed by the operator imports (done by the TypeScript test for "alice").
    used = call("GetAccountUsedSpace", userName="alice")
    o["GetAccountUsedSpace"] = {"code": code(used), "usedSpaceInKB": str(used["usedSpaceInKB"])}
    spaces = call("GetAccountUsedSpaceBySystem", request={"Username": "alice"})
    o["GetAccountUsedSpaceBySystem"] = {"code": code(spaces), "spaces": [
        [s["SystemName"], s["DeviceType"], str(s["UsedSpaceKB"])] for s in items(spaces["AccountSpaces"], "AccountSpace")]}
    paid = call("GetAccountPayments", userName="alice")
    o["GetAccountPayments"] = {"code": code(paid), "payments": [
        [iso(p["DateUtc"]), str(p["Amount"]), p["Currency"], p["Description"]] for p in items(paid["payments"], "AccountPayment")]}
    listed = call("GetAllAccounts", request={"CustomerTypeCode": ""})
    o["GetAllAccounts"] = {"Result": listed["Result"], "users": sorted(a["UserName"] for a in items(listed["Accounts"], "GetAllAccountsItem"))}

    # Cancelling (twice), and refusals.
    o["CancelAccount"] = code(call("CancelAccount", userName=u["obsolete"]))
    o["CancelAccount.again"] = code(call("CancelAccount", userName=u["obsolete"]))
    o["GetAccountInfo.cancelled"] = info(u["obsolete"])[1].get("Status")
    o["ChangeBackupAccountPassword.ultra"] = code(call("ChangeBackupAccountPassword",
                                                       request={"Username": "ultra", "NewPassword": "ultra-new-pass-1", "SendEmailToCustomer": True}))
    o["GetAccountInfo.bob"] = info("bob")[0]
    o["wrongHeader"] = {
        "Authenticate": code(call("Authenticate", wrong, userName=u["size"], password=pw["third"])),
        "CreateAccountBySize": code(call("CreateAccountBySize", wrong, request=by_size(u["never"]))),
        "GetAllAccounts": code(call("GetAllAccounts", wrong, request={"CustomerTypeCode": ""})),
        "ValidateAuthenticationToken": code(call("ValidateAuthenticationToken", wrong, request={"Token": issued["Token"]})),
    }
    o["GetAccountInfo.never"] = info(u["never"])[0]
    o["tokens"] = [generated["Token"], issued["Token"], authorization["AuthToken"], by_entity["AuthToken"]]
    o["calls"] = calls[0]
    json.dump(o, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
