// GetAllAccounts of a long, streamed list (issue 20) through the port JAX-WS wsimport generated
// from the served WSDL (long-list.test.ts).
//
// Usage: java JaxwsListClient <wsdl-url> <1.1|1.2>, with AMS_PARTNER_USERNAME,
// AMS_PARTNER_PASSWORD and AMS_SPECIAL in the environment. Prints the Result, the number of
// accounts, the first and last user names and the CustomerName of AMS_SPECIAL, one per line.

import com.sosonlinebackup.AccountManagementService;
import com.sosonlinebackup.AccountManagementServiceSoap;
import com.sosonlinebackup.AuthHeader;
import com.sosonlinebackup.GetAllAccountsItem;
import com.sosonlinebackup.GetAllAccountsRequest;
import com.sosonlinebackup.GetAllAccountsResult;
import java.io.PrintStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.List;

public final class JaxwsListClient {
  public static void main(String[] args) throws Exception {
    if (args.length != 2 || !(args[1].equals("1.1") || args[1].equals("1.2"))) {
      System.err.println("usage: java JaxwsListClient <wsdl-url> 1.1|1.2");
      System.exit(2);
    }
    AccountManagementService service = new AccountManagementService(new URL(args[0]));
    AccountManagementServiceSoap port =
        args[1].equals("1.2") ? service.getAccountManagementServiceSoap12() : service.getAccountManagementServiceSoap();
    AuthHeader auth = new AuthHeader();
    auth.setUserName(System.getenv("AMS_PARTNER_USERNAME"));
    auth.setPassword(System.getenv("AMS_PARTNER_PASSWORD"));
    GetAllAccountsRequest request = new GetAllAccountsRequest();
    request.setCustomerTypeCode("");
    GetAllAccountsResult result = port.getAllAccounts(request, auth);
    List<GetAllAccountsItem> items = result.getAccounts().getGetAllAccountsItem();
    String special = null;
    for (GetAllAccountsItem item : items) {
      if (item.getUserName().equals(System.getenv("AMS_SPECIAL"))) special = item.getCustomerName();
    }
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    out.println(result.getResult().value());
    out.println(items.size());
    out.println(items.get(0).getUserName());
    out.println(items.get(items.size() - 1).getUserName());
    out.println(special);
  }
}
