"""GetAllAccounts of a long, streamed list (issue 20) read by Python zeep.

Usage: /usr/bin/python3 long_list_zeep.py <wsdl-url> <1.1|1.2>, with AMS_PARTNER_USERNAME,
AMS_PARTNER_PASSWORD and AMS_SPECIAL (a user name) in the environment. Prints four lines:
the Result, the number of accounts, the first and last user names, then the CustomerName of
the account named AMS_SPECIAL. The TypeScript test (long-list.test.ts) asserts on them.
"""
import os
import sys

from zeep import Client

PORTS = {"1.1": "AccountManagementServiceSoap", "1.2": "AccountManagementServiceSoap12"}


def main():
    wsdl_url, version = sys.argv[1], sys.argv[2]
    client = Client(wsdl_url)
    service = client.bind("AccountManagementService", PORTS[version])
    header = {"AuthHeader": {"UserName": os.environ["AMS_PARTNER_USERNAME"], "Password": os.environ["AMS_PARTNER_PASSWORD"]}}
    result = service.GetAllAccounts(_soapheaders=header, request={"CustomerTypeCode": ""})
    items = result["Accounts"]["GetAllAccountsItem"]
    special = next(i["CustomerName"] for i in items if i["UserName"] == os.environ["AMS_SPECIAL"])
    for line in (result["Result"], len(items), items[0]["UserName"], items[-1]["UserName"], special):
        print(line)


main()
