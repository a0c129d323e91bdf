/** The templates as the pure functions they are: every event in every language, and what they must never say. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { LANGUAGES, languageFor, NOTIFICATION_EVENTS, parseTemplateData, renderNotification, type Branding } from '../../src/mail/templates.js';
import { TRANSLATIONS } from '../../src/mail/translations.js';

const BRANDING: Branding = { providerName: 'Backup & Co', supportEmail: 'help@backup.example', defaultLanguage: 'en' };
const DATA = { username: 'alice', fullName: 'Alice <Example>', localeCode: '' };

describe('notification templates', () => {
  it('render every event in every language: subject with the provider, body with the account, support address, both parts', () => {
    for (const language of LANGUAGES) {
      const subjects = new Set<string>();
      for (const event of NOTIFICATION_EVENTS) {
        const m = renderNotification(event, { ...DATA, localeCode: language }, BRANDING);
        assert.equal(m.language, language);
        assert.ok(m.subject.includes('Backup & Co'), `${language} ${event}: ${m.subject}`);
        subjects.add(m.subject);
        assert.ok(m.text.includes('alice'), `${language} ${event} names the account`);
        assert.ok(m.text.includes('Alice <Example>'), 'greets by name');
        assert.ok(m.text.includes('help@backup.example'));
        assert.ok(m.text.endsWith('— Backup & Co\n'));
        assert.ok(m.html.startsWith(`<!DOCTYPE html><html lang="${language}">`));
        assert.ok(m.html.includes('Alice &lt;Example&gt;'), 'HTML escapes the data');
        assert.ok(!m.html.includes('<Example>'));
        assert.ok(m.html.includes('Backup &amp; Co'));
        assert.ok(m.html.includes('<a href="mailto:help@backup.example">help@backup.example</a>'));
      }
      assert.equal(subjects.size, NOTIFICATION_EVENTS.length, `${language}: four different subjects`);
    }
  });

  it('pick the language from the account locale code, else the configured default, else English', () => {
    const cases: [string, string][] = [
      ['de-DE', 'de'],
      ['de_AT', 'de'],
      ['DE', 'de'],
      ['fr-CA', 'fr'],
      ['fr', 'fr'],
      ['en-GB', 'en'],
      ['es-ES', 'en'],
      ['', 'en'],
      ['x', 'en'],
      ['deu', 'en'],
    ];
    for (const [locale, expected] of cases) assert.equal(languageFor(locale, 'en'), expected, locale);
    assert.equal(languageFor('es-ES', 'de'), 'de', 'no Spanish: the provider default');
    assert.equal(languageFor('', 'fr'), 'fr');
    assert.equal(renderNotification('account-cancelled', { ...DATA, localeCode: 'pt-BR' }, { ...BRANDING, defaultLanguage: 'de' }).subject, 'Ihr Konto bei Backup & Co wurde gekündigt');
  });

  it('say the expected words (German and French samples)', () => {
    const de = renderNotification('password-changed', { username: 'dieter', fullName: '', localeCode: 'de' }, BRANDING);
    assert.equal(de.subject, 'Ihr Passwort bei Backup & Co wurde geändert');
    assert.equal(
      de.text,
      'Hallo,\n\nDas Passwort Ihres Backup-Kontos „dieter“ wurde geändert.\nFalls Sie diese Änderung nicht erwartet haben, wenden Sie sich bitte umgehend an den Support.\n\nFragen? Schreiben Sie an help@backup.example.\n\n— Backup & Co\n',
    );
    const fr = renderNotification('email-changed', { username: 'felix', fullName: 'Félix', localeCode: 'fr-FR' }, BRANDING);
    assert.equal(fr.subject, 'Votre adresse e-mail Backup & Co a été modifiée');
    assert.match(fr.text, /^Bonjour Félix,\n/);
  });

  it('cannot carry a password or token: stored data is read back as username, full name and locale only', () => {
    const payload = JSON.stringify({ username: 'alice', fullName: 'Alice', localeCode: 'de', password: 'hunter2-secret', token: 'tok-0123456789abcdef', NewPassword: 'x-secret-y' });
    const data = parseTemplateData(payload);
    assert.deepEqual(data, { username: 'alice', fullName: 'Alice', localeCode: 'de' });
    for (const language of LANGUAGES) {
      for (const event of NOTIFICATION_EVENTS) {
        const m = renderNotification(event, { ...data, localeCode: language }, BRANDING);
        const all = `${m.subject}\n${m.text}\n${m.html}`;
        for (const secret of ['hunter2-secret', 'tok-0123456789abcdef', 'x-secret-y']) assert.ok(!all.includes(secret));
      }
    }
    assert.deepEqual(parseTemplateData('{"username": 5}'), { username: '', fullName: '', localeCode: '' });
  });

  it('are complete: every language words every event', () => {
    for (const [language, t] of Object.entries(TRANSLATIONS)) {
      assert.deepEqual(Object.keys(t.events).sort(), [...NOTIFICATION_EVENTS].sort(), language);
    }
  });
});
