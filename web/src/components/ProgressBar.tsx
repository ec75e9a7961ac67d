interface Props {
  /** 0–100 */
  value: number;
  label: string;
  testId?: string;
}

export function ProgressBar({ value, label, testId }: Props) {
  const pct = Math.max(0, Math.min(100, Math.round(value)));
  return (
    <div className="progress" data-testid={testId} data-value={pct}>
      <div className="progress-track" role="progressbar" aria-label={label} aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct}>
        <div className="progress-fill" style={{ width: `${pct}%` }} />
      </div>
      <span className="progress-text">{pct}%</span>
    </div>
  );
}
