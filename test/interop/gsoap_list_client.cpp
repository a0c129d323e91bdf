// GetAllAccounts of a long, streamed list (issue 20) through the C++ proxy gSOAP generated from
// the served WSDL (long-list.test.ts). See gsoap_client.cpp for why SOAP 1.1 needs the
// namespace table with the SOAP 1.1 URIs first.
//
// Usage: gsoap_list_client <1.1|1.2>, with AMS_PARTNER_USERNAME, AMS_PARTNER_PASSWORD and
// AMS_SPECIAL in the environment. Prints the Result, the number of accounts, the first and last
// user names and the CustomerName of AMS_SPECIAL, one per line; exits 1 on a fault.
#include "soapAccountManagementServiceSoapProxy.h"
#include "AccountManagementServiceSoap.nsmap"
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

static std::string env(const char *name) {
  const char *value = std::getenv(name);
  return value ? value : "";
}

static std::vector<Namespace> soap11Namespaces(const Namespace *table) {
  std::vector<Namespace> out;
  for (; table->id; ++table) {
    Namespace ns = *table;
    if (std::string(ns.id) == "SOAP-ENV") {
      ns.ns = "http://schemas.xmlsoap.org/soap/envelope/";
      ns.in = "http://www.w3.org/2003/05/soap-envelope";
    } else if (std::string(ns.id) == "SOAP-ENC") {
      ns.ns = "http://schemas.xmlsoap.org/soap/encoding/";
      ns.in = "http://www.w3.org/2003/05/soap-encoding";
    }
    out.push_back(ns);
  }
  out.push_back(Namespace{NULL, NULL, NULL, NULL});
  return out;
}

int main(int argc, char **argv) {
  const std::string version = argc > 1 ? argv[1] : "";
  if (version != "1.1" && version != "1.2") {
    std::cerr << "usage: gsoap_list_client 1.1|1.2" << std::endl;
    return 2;
  }
  AccountManagementServiceSoapProxy proxy;
  // Strings as the UTF-8 they arrive in (gSOAP's default maps them to Latin-1).
  soap_set_mode(proxy.soap, SOAP_C_UTFSTRING);
  const std::vector<Namespace> soap11 = soap11Namespaces(proxy.soap->namespaces);
  if (version == "1.1") soap_set_namespaces(proxy.soap, soap11.data());

  std::string user = env("AMS_PARTNER_USERNAME"), secret = env("AMS_PARTNER_PASSWORD"), special = env("AMS_SPECIAL");
  ns1__AuthHeader auth;
  auth.UserName = &user;
  auth.Password = &secret;
  proxy.soap_header(&auth);

  std::string code;
  ns1__GetAllAccountsRequest request;
  request.CustomerTypeCode = &code;
  _ns1__GetAllAccounts in;
  in.request = &request;
  _ns1__GetAllAccountsResponse out;
  const int rc = version == "1.2" ? proxy.GetAllAccounts_(&in, out) : proxy.GetAllAccounts(&in, out);
  if (rc != SOAP_OK) {
    proxy.soap_stream_fault(std::cerr);
    return 1;
  }
  if (!out.GetAllAccountsResult || !out.GetAllAccountsResult->Accounts) {
    std::cerr << "no GetAllAccountsResult/Accounts in the response" << std::endl;
    return 1;
  }
  const std::vector<ns1__GetAllAccountsItem *> &items = out.GetAllAccountsResult->Accounts->GetAllAccountsItem;
  std::string specialName;
  for (const ns1__GetAllAccountsItem *item : items) {
    if (item->UserName && *item->UserName == special && item->CustomerName) specialName = *item->CustomerName;
  }
  std::cout << soap_ns1__GetAllAccountsResultCode2s(proxy.soap, out.GetAllAccountsResult->Result) << "\n"
            << items.size() << "\n"
            << *items.front()->UserName << "\n"
            << *items.back()->UserName << "\n"
            << specialName << std::endl;
  return 0;
}
