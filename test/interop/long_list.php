<?php
// GetAllAccounts of a long, streamed list (issue 20) read by PHP's SoapClient.
//
// Usage: php long_list.php <wsdl-url> <1.1|1.2>, with AMS_PARTNER_USERNAME, AMS_PARTNER_PASSWORD
// and AMS_SPECIAL (a user name) in the environment. Prints the Result, the number of accounts,
// the first and last user names and the CustomerName of AMS_SPECIAL, one per line.

declare(strict_types=1);

[, $wsdlUrl, $version] = $argv;
$client = new SoapClient($wsdlUrl, [
    'soap_version' => $version === '1.2' ? SOAP_1_2 : SOAP_1_1,
    'cache_wsdl' => WSDL_CACHE_NONE,
    'exceptions' => true,
    'connection_timeout' => 10,
    'features' => SOAP_SINGLE_ELEMENT_ARRAYS,
]);
$header = new SoapHeader('sosonlinebackup.com', 'AuthHeader', ['UserName' => getenv('AMS_PARTNER_USERNAME'), 'Password' => getenv('AMS_PARTNER_PASSWORD')]);
$r = $client->__soapCall('GetAllAccounts', [['request' => ['CustomerTypeCode' => '']]], null, [$header]);
$result = $r->GetAllAccountsResult ?? $r;
$items = $result->Accounts->GetAllAccountsItem;
$special = null;
foreach ($items as $item) {
    if ($item->UserName === getenv('AMS_SPECIAL')) $special = $item->CustomerName;
}
echo implode("\n", [$result->Result, count($items), $items[0]->UserName, $items[count($items) - 1]->UserName, $special]), "\n";
