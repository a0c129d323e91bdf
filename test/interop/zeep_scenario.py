"""The partner scenario (test/interop/scenario.ts) driven by Python zeep.

Usage: /usr/bin/python3 zeep_scenario.py <wsdl-url> <1.1|1.2>
with AMS_INTEROP = JSON {"partner": {"UserName", "Password"}, "account": ScenarioAccount}
in the environment (secrets stay out of argv). Reads the served WSDL, binds the SOAP 1.1 or
1.2 port and prints one JSON object of what it observed; the TypeScript test asserts on it.
"""
import json
import os
import sys

from zeep import Client
from zeep.helpers import serialize_object

PORTS = {"1.1": "AccountManagementServiceSoap", "1.2": "AccountManagementServiceSoap12"}


def main():
    wsdl_url, version = sys.argv[1], sys.argv[2]
    config = json.loads(os.environ["AMS_INTEROP"])
    partner, a = config["partner"], config["account"]

    client = Client(wsdl_url)
    service = client.bind("AccountManagementService", PORTS[version])
    # The WSDL declares AuthHeader as a soap:header, so zeep takes it as a dict keyed by part name.
    good = {"AuthHeader": {"UserName": partner["UserName"], "Password": partner["Password"]}}
    wrong = {"AuthHeader": {"UserName": partner["UserName"], "Password": "not-the-partner-secret"}}

    def call(op, headers=good, **kwargs):
        return serialize_object(getattr(service, op)(_soapheaders=headers, **kwargs), dict)

    def wrapped_code(value):
        # zeep unwraps single-child chains: <OpResponse><OpResult><Result>…</Result></OpResult>
        # comes back as the inner ResultInfo itself.
        return value["Code"]

    def authenticate(user, password):
        r = call("Authenticate", userName=user, password=password)
        return r["AuthenticateResult"]["Code"], r["accountStatus"], r["backupServerName"]

    def reset(user, new_password, headers=good):
        request = {"Username": user, "NewPassword": new_password, "SendEmailToCustomer": True}
        return wrapped_code(call("ChangeBackupAccountPassword", headers, request=request))

    create = call(
        "CreateAccountBySize",
        request={
            "TargetEntityId": a["entityId"],
            "Username": a["username"],
            "Password": a["password"],
            "AccountSizeMB": a["sizeMb"],
            "FullName": "Interop Example",
            "Email": a["email"],
            "IsUltrasafe": False,
            "DisableEmailsNotification": False,
        },
    )
    first = authenticate(a["username"], a["password"])
    reset_result = reset(a["username"], a["newPassword"])
    reset_wrong_header = reset(a["username"], "third-password-x", wrong)
    new = authenticate(a["username"], a["newPassword"])
    old = authenticate(a["username"], a["password"])
    ultra_reset = reset(a["ultraUsername"], "ultra-new-password")
    ultra_auth = authenticate(a["ultraUsername"], a["ultraPassword"])
    unknown = authenticate(a["unknownUsername"], a["password"])
    info = call("GetAccountInfo", userName=a["username"])
    account_info = info["accountInfo"] or {}

    observed = {
        "create": wrapped_code(create),
        "authFirst": {"code": first[0], "status": first[1], "server": first[2]},
        "reset": reset_result,
        "resetWrongHeader": reset_wrong_header,
        "authNew": {"code": new[0], "status": new[1]},
        "authOld": old[0],
        "ultraReset": ultra_reset,
        "ultraAuth": ultra_auth[0],
        "unknownUser": unknown[0],
        "info": {
            "code": info["GetAccountInfoResult"]["Code"],
            "UserName": account_info.get("UserName"),
            "AccountSizeMB": str(account_info.get("AccountSizeMB")),
            "Status": account_info.get("Status"),
            "EntityId": str(account_info.get("EntityId")),
        },
    }
    json.dump(observed, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
