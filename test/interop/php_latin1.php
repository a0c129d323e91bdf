<?php
// PHP's SoapClient with 'encoding' => 'ISO-8859-1', as legacy PHP partners run it: the strings
// it is given and returns are ISO-8859-1. Creates an account whose full name has umlauts and
// reads it back.
//
// Usage: php php_latin1.php <wsdl-url> <1.1|1.2> <utf-8|iso-8859-1>
// with AMS_INTEROP = JSON {"partner": {"UserName", "Password"}, "account": {...},
// "fullNameHex": the full name's ISO-8859-1 bytes in hex} in the environment.
//
// The third argument is the body's encoding on the wire. SoapClient itself always sends UTF-8
// (it converts from 'encoding' and says charset=utf-8); with iso-8859-1 the request goes through
// __doRequest as NuSOAP-style legacy clients send it: the body in ISO-8859-1, that charset in the
// Content-Type and in the XML declaration. Prints one JSON object; strings it got back are
// hex-encoded ISO-8859-1.

declare(strict_types=1);

[, $wsdlUrl, $version, $wire] = $argv;
$config = json_decode(getenv('AMS_INTEROP'), true, 16, JSON_THROW_ON_ERROR);
$partner = $config['partner'];
$a = $config['account'];
$fullName = hex2bin($config['fullNameHex']);

final class Latin1WireClient extends SoapClient
{
    public function __doRequest(string $request, string $location, string $action, int $version, bool $oneWay = false): ?string
    {
        $body = iconv('UTF-8', 'ISO-8859-1', $request);
        $body = preg_replace('/^<\?xml version="1\.0" encoding="UTF-8"\?>/', '<?xml version="1.0" encoding="ISO-8859-1"?>', $body, 1);
        $headers = $version === SOAP_1_2
            ? ["Content-Type: application/soap+xml; charset=ISO-8859-1; action=\"$action\""]
            : ['Content-Type: text/xml; charset=ISO-8859-1', "SOAPAction: \"$action\""];
        $context = stream_context_create(['http' => [
            'method' => 'POST',
            'header' => implode("\r\n", $headers),
            'content' => $body,
            'ignore_errors' => true,
            'timeout' => 10,
        ]]);
        $response = file_get_contents($location, false, $context);
        return $response === false ? null : $response;
    }
}

$class = $wire === 'iso-8859-1' ? Latin1WireClient::class : SoapClient::class;
$client = new $class($wsdlUrl, [
    'soap_version' => $version === '1.2' ? SOAP_1_2 : SOAP_1_1,
    'cache_wsdl' => WSDL_CACHE_NONE,
    'exceptions' => true,
    'trace' => true,
    'connection_timeout' => 10,
    'encoding' => 'ISO-8859-1',
]);
$header = new SoapHeader('sosonlinebackup.com', 'AuthHeader', ['UserName' => $partner['UserName'], 'Password' => $partner['Password']]);
$call = fn (string $op, array $args) => $client->__soapCall($op, [$args], null, [$header]);

$create = $call('CreateAccountBySize', ['request' => [
    'TargetEntityId' => $a['entityId'],
    'Username' => $a['username'],
    'Password' => $a['password'],
    'AccountSizeMB' => $a['sizeMb'],
    'FullName' => $fullName,
    'Email' => $a['email'],
    'IsUltrasafe' => false,
    'DisableEmailsNotification' => true,
]]);
$info = $call('GetAccountInfo', ['userName' => $a['username']]);

echo json_encode([
    'create' => $create->CreateAccountBySizeResult->Result->Code,
    'info' => $info->GetAccountInfoResult->Code,
    'fullNameHex' => bin2hex($info->accountInfo->FullName ?? ''),
]);
