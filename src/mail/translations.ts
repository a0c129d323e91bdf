/**
 * The wording of every notification, per language. Each entry is a pure function of the
 * template data and the branding; none of them can reach a password or token, because the
 * data they receive has none (see TemplateData).
 *
 * Adding a language: one more entry in TRANSLATIONS; the test that renders every event in every
 * language picks it up.
 */
export type NotificationEvent = 'account-created' | 'password-changed' | 'email-changed' | 'account-cancelled';

export const NOTIFICATION_EVENTS: readonly NotificationEvent[] = ['account-created', 'password-changed', 'email-changed', 'account-cancelled'];

/** What a notification may say: stored as the outbox row's payload. Never a secret. */
export interface TemplateData {
  readonly username: string;
  readonly fullName: string;
  /** The account's locale code (`de-DE`, `fr`, …); may be empty. */
  readonly localeCode: string;
}

export interface Branding {
  readonly providerName: string;
  readonly supportEmail: string;
  /** Language for accounts without a locale code or whose language has no translation. */
  readonly defaultLanguage: Language;
}

export interface EventWording {
  readonly subject: (provider: string) => string;
  /** The paragraphs between greeting and footer. */
  readonly body: (username: string, provider: string) => readonly string[];
}

export interface Translation {
  readonly greeting: (fullName: string) => string;
  readonly footer: (supportEmail: string) => string;
  readonly events: Readonly<Record<NotificationEvent, EventWording>>;
}

const en: Translation = {
  greeting: (name) => (name ? `Hello ${name},` : 'Hello,'),
  footer: (support) => `Questions? Write to ${support}.`,
  events: {
    'account-created': {
      subject: (p) => `Welcome to ${p}`,
      body: (u, p) => [
        `Your ${p} backup account "${u}" has been created.`,
        'Install the backup client and sign in with your user name and the password you chose.',
      ],
    },
    'password-changed': {
      subject: (p) => `Your ${p} password was changed`,
      body: (u) => [`The password of your backup account "${u}" was changed.`, 'If you did not expect this, contact support at once.'],
    },
    'email-changed': {
      subject: (p) => `Your ${p} e-mail address was changed`,
      body: (u) => [
        `This address is now the contact address of the backup account "${u}".`,
        'If you did not expect this, contact support at once.',
      ],
    },
    'account-cancelled': {
      subject: (p) => `Your ${p} account was cancelled`,
      body: (u) => [`Your backup account "${u}" has been cancelled.`, 'If this is a mistake, contact support.'],
    },
  },
};

const de: Translation = {
  greeting: (name) => (name ? `Hallo ${name},` : 'Hallo,'),
  footer: (support) => `Fragen? Schreiben Sie an ${support}.`,
  events: {
    'account-created': {
      subject: (p) => `Willkommen bei ${p}`,
      body: (u, p) => [
        `Ihr Backup-Konto „${u}“ bei ${p} wurde eingerichtet.`,
        'Installieren Sie den Backup-Client und melden Sie sich mit Ihrem Benutzernamen und dem von Ihnen gewählten Passwort an.',
      ],
    },
    'password-changed': {
      subject: (p) => `Ihr Passwort bei ${p} wurde geändert`,
      body: (u) => [
        `Das Passwort Ihres Backup-Kontos „${u}“ wurde geändert.`,
        'Falls Sie diese Änderung nicht erwartet haben, wenden Sie sich bitte umgehend an den Support.',
      ],
    },
    'email-changed': {
      subject: (p) => `Ihre E-Mail-Adresse bei ${p} wurde geändert`,
      body: (u) => [
        `Diese Adresse ist jetzt die Kontaktadresse des Backup-Kontos „${u}“.`,
        'Falls Sie diese Änderung nicht erwartet haben, wenden Sie sich bitte umgehend an den Support.',
      ],
    },
    'account-cancelled': {
      subject: (p) => `Ihr Konto bei ${p} wurde gekündigt`,
      body: (u) => [`Ihr Backup-Konto „${u}“ wurde gekündigt.`, 'Falls das ein Irrtum ist, wenden Sie sich bitte an den Support.'],
    },
  },
};

// French typography: a no-break space (U+00A0) inside « » and before ? and :.
const fr: Translation = {
  greeting: (name) => (name ? `Bonjour ${name},` : 'Bonjour,'),
  footer: (support) => `Des questions\u00a0? Écrivez à ${support}.`,
  events: {
    'account-created': {
      subject: (p) => `Bienvenue chez ${p}`,
      body: (u, p) => [
        `Votre compte de sauvegarde ${p} «\u00a0${u}\u00a0» a été créé.`,
        'Installez le logiciel de sauvegarde et connectez-vous avec votre nom d’utilisateur et le mot de passe que vous avez choisi.',
      ],
    },
    'password-changed': {
      subject: (p) => `Votre mot de passe ${p} a été modifié`,
      body: (u) => [
        `Le mot de passe de votre compte de sauvegarde «\u00a0${u}\u00a0» a été modifié.`,
        'Si vous n’êtes pas à l’origine de cette modification, contactez immédiatement le support.',
      ],
    },
    'email-changed': {
      subject: (p) => `Votre adresse e-mail ${p} a été modifiée`,
      body: (u) => [
        `Cette adresse est désormais l’adresse de contact du compte de sauvegarde «\u00a0${u}\u00a0».`,
        'Si vous n’êtes pas à l’origine de cette modification, contactez immédiatement le support.',
      ],
    },
    'account-cancelled': {
      subject: (p) => `Votre compte ${p} a été résilié`,
      body: (u) => [`Votre compte de sauvegarde «\u00a0${u}\u00a0» a été résilié.`, 'S’il s’agit d’une erreur, contactez le support.'],
    },
  },
};

export const TRANSLATIONS = { en, de, fr } as const satisfies Readonly<Record<string, Translation>>;

export type Language = keyof typeof TRANSLATIONS;

export const LANGUAGES = Object.keys(TRANSLATIONS) as readonly Language[];

export function isLanguage(value: string): value is Language {
  return Object.hasOwn(TRANSLATIONS, value);
}
