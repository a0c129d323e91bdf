// ChangeBackupAccountPassword through the port that JAX-WS wsimport (-extension
// -XadditionalHeaders) generated from the served WSDL (test/interop/codegen.test.ts): the
// AuthHeader is a method parameter, the SOAP 1.2 port a second getter on the same service.
//
// Usage: java JaxwsClient <wsdl-url> <1.1|1.2>, with AMS_PARTNER_USERNAME,
// AMS_PARTNER_PASSWORD, AMS_ACCOUNT and AMS_NEW_PASSWORD in the environment (secrets stay out
// of argv). The endpoint is the soap:address the WSDL advertises. Prints the Result Code.

import com.sosonlinebackup.AccountManagementService;
import com.sosonlinebackup.AccountManagementServiceSoap;
import com.sosonlinebackup.AuthHeader;
import com.sosonlinebackup.ChangeBackupAccountPasswordRequest;
import com.sosonlinebackup.ChangeBackupAccountPasswordResult;
import java.net.URL;

public final class JaxwsClient {
  public static void main(String[] args) throws Exception {
    if (args.length != 2 || !(args[1].equals("1.1") || args[1].equals("1.2"))) {
      System.err.println("usage: java JaxwsClient <wsdl-url> 1.1|1.2");
      System.exit(2);
    }
    AccountManagementService service = new AccountManagementService(new URL(args[0]));
    AccountManagementServiceSoap port =
        args[1].equals("1.2") ? service.getAccountManagementServiceSoap12() : service.getAccountManagementServiceSoap();

    AuthHeader auth = new AuthHeader();
    auth.setUserName(System.getenv("AMS_PARTNER_USERNAME"));
    auth.setPassword(System.getenv("AMS_PARTNER_PASSWORD"));
    ChangeBackupAccountPasswordRequest request = new ChangeBackupAccountPasswordRequest();
    request.setUsername(System.getenv("AMS_ACCOUNT"));
    request.setNewPassword(System.getenv("AMS_NEW_PASSWORD"));
    request.setSendEmailToCustomer(true);

    ChangeBackupAccountPasswordResult result = port.changeBackupAccountPassword(request, auth);
    System.out.println(result.getResult().getCode().value());
  }
}
