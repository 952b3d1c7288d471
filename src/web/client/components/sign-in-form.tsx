import { type FormEvent, useId, useState } from 'react';
import { SignInError, signIn, useAuth } from '../auth.ts';
import { useLang } from '../i18n.ts';

/**
 * The sign-in form: login and password → `POST /api/auth/login` (the session cookie is set by the server; the
 * CSRF token is kept by auth.ts). In demo mode it shows the demo account. Texts are local (ru/en) so that the
 * form does not depend on the message catalogue.
 */

const TEXT = {
  ru: {
    title: 'Вход',
    login: 'Логин',
    password: 'Пароль',
    submit: 'Войти',
    busy: 'Вход…',
    wrong: 'Неверный логин или пароль',
    wait: (s: number) => `Слишком много попыток. Повторите через ${s} с`,
    demo: 'Демо: логин и пароль для редактирования —',
    signedIn: (name: string) => `Вы вошли как ${name}`,
  },
  en: {
    title: 'Sign in',
    login: 'Login',
    password: 'Password',
    submit: 'Sign in',
    busy: 'Signing in…',
    wrong: 'Wrong login or password',
    wait: (s: number) => `Too many attempts. Try again in ${s} s`,
    demo: 'Demo: to edit, sign in as',
    signedIn: (name: string) => `Signed in as ${name}`,
  },
} as const;

export function SignInForm({ onSignedIn }: { onSignedIn?: () => void }) {
  const lang = useLang();
  const text = TEXT[lang];
  const me = useAuth();
  const id = useId();
  const [login, setLogin] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  if (me?.user) return <p className="sign-in__done">{text.signedIn(me.user.display_name)}</p>;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await signIn(login, password);
      setPassword('');
      onSignedIn?.();
    } catch (e) {
      if (e instanceof SignInError && e.status === 429) setError(text.wait(e.retryAfter ?? 60));
      else if (e instanceof SignInError && e.status === 401) setError(text.wrong);
      else setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="sign-in" onSubmit={submit} aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{text.title}</h2>
      {me?.demo_account && (
        <p className="sign-in__demo">
          {text.demo} <code>{me.demo_account.login}</code> / <code>{me.demo_account.password}</code>
        </p>
      )}
      <label htmlFor={`${id}-login`}>{text.login}</label>
      <input
        id={`${id}-login`}
        name="username"
        autoComplete="username"
        required
        value={login}
        onChange={(e) => setLogin(e.target.value)}
      />
      <label htmlFor={`${id}-password`}>{text.password}</label>
      <input
        id={`${id}-password`}
        name="password"
        type="password"
        autoComplete="current-password"
        required
        value={password}
        onChange={(e) => setPassword(e.target.value)}
      />
      {error && (
        <p role="alert" className="sign-in__error">
          {error}
        </p>
      )}
      <button type="submit" disabled={busy}>
        {busy ? text.busy : text.submit}
      </button>
    </form>
  );
}
