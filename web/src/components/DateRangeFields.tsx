import { Field } from './Field';

interface Props {
  /** yyyy-mm-dd, local days. */
  from: string | undefined;
  to: string | undefined;
  labels: { from: string; to: string };
  onChange: (change: { from: string | undefined } | { to: string | undefined }) => void;
  /** `<prefix>-from` and `<prefix>-to`. */
  testIdPrefix: string;
}

/** Collected from / to: two day fields, neither allowing a day beyond the other. */
export function DateRangeFields({ from, to, labels, onChange, testIdPrefix }: Props) {
  return (
    <>
      <Field label={labels.from}>
        <input
          type="date"
          value={from ?? ''}
          max={to}
          onChange={(e) => onChange({ from: e.target.value || undefined })}
          data-testid={`${testIdPrefix}-from`}
        />
      </Field>
      <Field label={labels.to}>
        <input
          type="date"
          value={to ?? ''}
          min={from}
          onChange={(e) => onChange({ to: e.target.value || undefined })}
          data-testid={`${testIdPrefix}-to`}
        />
      </Field>
    </>
  );
}
