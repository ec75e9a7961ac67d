import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '@contract';

interface Props {
  value: string;
  onChange: (value: string) => void;
  testId: string;
}

/** A password an administrator sets for someone: the contract's length rules, and no browser autofill of their own. */
export function NewPasswordInput({ value, onChange, testId }: Props) {
  return (
    <input
      type="password"
      value={value}
      minLength={PASSWORD_MIN_LENGTH}
      maxLength={PASSWORD_MAX_LENGTH}
      autoComplete="new-password"
      onChange={(event) => onChange(event.target.value)}
      data-testid={testId}
      required
    />
  );
}
