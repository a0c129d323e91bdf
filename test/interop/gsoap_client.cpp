// ChangeBackupAccountPassword through the C++ proxy that gSOAP (wsdl2h + soapcpp2 -j) generated
// from the served WSDL (test/interop/codegen.test.ts). wsdl2h collects both bindings into one
// proxy: ChangeBackupAccountPassword for the SOAP 1.1 port, ChangeBackupAccountPassword_ for
// the SOAP 1.2 one. As the WSDL has a SOAP 1.2 binding, the generated namespace table puts the
// SOAP 1.2 envelope first, and gSOAP takes the envelope version it sends from that table
// (soap_set_version does not outlast the call), so both methods would speak SOAP 1.2. For
// SOAP 1.1 the client installs a copy of the table with the SOAP 1.1 URIs first.
//
// Usage: gsoap_client <1.1|1.2>, with AMS_PARTNER_USERNAME, AMS_PARTNER_PASSWORD, AMS_ACCOUNT
// and AMS_NEW_PASSWORD in the environment (secrets stay out of argv). The endpoint is the
// soap:address the WSDL advertised. Prints the Result Code; exits 1 on a SOAP fault or a
// transport error.
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

/** The proxy's namespace table with SOAP 1.1 envelope and encoding URIs first (1.2 still accepted). */
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
    std::cerr << "usage: gsoap_client 1.1|1.2" << std::endl;
    return 2;
  }
  AccountManagementServiceSoapProxy proxy;
  const std::vector<Namespace> soap11 = soap11Namespaces(proxy.soap->namespaces);
  if (version == "1.1") soap_set_namespaces(proxy.soap, soap11.data());

  std::string user = env("AMS_PARTNER_USERNAME"), secret = env("AMS_PARTNER_PASSWORD");
  ns1__AuthHeader auth;
  auth.UserName = &user;
  auth.Password = &secret;
  proxy.soap_header(&auth);

  std::string username = env("AMS_ACCOUNT"), newPassword = env("AMS_NEW_PASSWORD");
  ns1__ChangeBackupAccountPasswordRequest request;
  request.Username = &username;
  request.NewPassword = &newPassword;
  request.SendEmailToCustomer = true;
  _ns1__ChangeBackupAccountPassword in;
  in.request = &request;
  _ns1__ChangeBackupAccountPasswordResponse out;

  const int rc = version == "1.2" ? proxy.ChangeBackupAccountPassword_(&in, out) : proxy.ChangeBackupAccountPassword(&in, out);
  if (rc != SOAP_OK) {
    proxy.soap_stream_fault(std::cerr);
    return 1;
  }
  if (!out.ChangeBackupAccountPasswordResult || !out.ChangeBackupAccountPasswordResult->Result) {
    std::cerr << "no ChangeBackupAccountPasswordResult/Result in the response" << std::endl;
    return 1;
  }
  std::cout << soap_ns1__ResultCode2s(proxy.soap, out.ChangeBackupAccountPasswordResult->Result->Code) << std::endl;
  return 0;
}
