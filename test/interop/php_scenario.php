<?php
// The partner scenario (test/interop/scenario.ts) driven by PHP's SoapClient.
//
// Usage: php php_scenario.php <wsdl-url> <1.1|1.2>
// with AMS_INTEROP = JSON {"partner": {"UserName", "Password"}, "account": ScenarioAccount}
// in the environment (secrets stay out of argv). Reads the served WSDL (no WSDL cache) and
// prints one JSON object of what it observed; the TypeScript test asserts on it.

declare(strict_types=1);

[, $wsdlUrl, $version] = $argv;
$config = json_decode(getenv('AMS_INTEROP'), true, 16, JSON_THROW_ON_ERROR);
$partner = $config['partner'];
$a = $config['account'];

$client = new SoapClient($wsdlUrl, [
    'soap_version' => $version === '1.2' ? SOAP_1_2 : SOAP_1_1,
    'cache_wsdl' => WSDL_CACHE_NONE,
    'exceptions' => true,
    'trace' => true,
    'connection_timeout' => 10,
]);

function authHeader(string $user, string $password): SoapHeader
{
    return new SoapHeader('sosonlinebackup.com', 'AuthHeader', ['UserName' => $user, 'Password' => $password]);
}

$good = authHeader($partner['UserName'], $partner['Password']);
$wrong = authHeader($partner['UserName'], 'not-the-partner-secret');

$call = function (string $op, array $args, ?SoapHeader $header = null) use ($client, $good) {
    return $client->__soapCall($op, [$args], null, [$header ?? $good]);
};
$authenticate = function (string $user, string $password) use ($call) {
    $r = $call('Authenticate', ['userName' => $user, 'password' => $password]);
    return [$r->AuthenticateResult->Code, $r->accountStatus ?? null, $r->backupServerName ?? null];
};
$reset = function (string $user, string $newPassword, ?SoapHeader $header = null) use ($call) {
    $r = $call('ChangeBackupAccountPassword', ['request' => [
        'Username' => $user,
        'NewPassword' => $newPassword,
        'SendEmailToCustomer' => true,
    ]], $header);
    return $r->ChangeBackupAccountPasswordResult->Result->Code;
};

$create = $call('CreateAccountBySize', ['request' => [
    'TargetEntityId' => $a['entityId'],
    'Username' => $a['username'],
    'Password' => $a['password'],
    'AccountSizeMB' => $a['sizeMb'],
    'FullName' => 'Interop Example',
    'Email' => $a['email'],
    'IsUltrasafe' => false,
    'DisableEmailsNotification' => false,
]]);
$first = $authenticate($a['username'], $a['password']);
$resetResult = $reset($a['username'], $a['newPassword']);
$resetWrongHeader = $reset($a['username'], 'third-password-x', $wrong);
$new = $authenticate($a['username'], $a['newPassword']);
$old = $authenticate($a['username'], $a['password']);
$ultraReset = $reset($a['ultraUsername'], 'ultra-new-password');
$ultraAuth = $authenticate($a['ultraUsername'], $a['ultraPassword']);
$unknown = $authenticate($a['unknownUsername'], $a['password']);
$info = $call('GetAccountInfo', ['userName' => $a['username']]);
$accountInfo = $info->accountInfo ?? new stdClass();

echo json_encode([
    'create' => $create->CreateAccountBySizeResult->Result->Code,
    'authFirst' => ['code' => $first[0], 'status' => $first[1], 'server' => $first[2]],
    'reset' => $resetResult,
    'resetWrongHeader' => $resetWrongHeader,
    'authNew' => ['code' => $new[0], 'status' => $new[1]],
    'authOld' => $old[0],
    'ultraReset' => $ultraReset,
    'ultraAuth' => $ultraAuth[0],
    'unknownUser' => $unknown[0],
    'info' => [
        'code' => $info->GetAccountInfoResult->Code,
        'UserName' => $accountInfo->UserName ?? null,
        'AccountSizeMB' => (string) ($accountInfo->AccountSizeMB ?? ''),
        'Status' => $accountInfo->Status ?? null,
        'EntityId' => (string) ($accountInfo->EntityId ?? ''),
    ],
], JSON_THROW_ON_ERROR), "\n";
