import type { ReactNode } from 'react';

interface Props {
  label: string;
  /** Marks the label with an asterisk; the control itself still needs `required`. */
  required?: boolean;
  /** `wide` spans the whole form grid row, `inline` puts the label beside the control. */
  layout?: 'wide' | 'inline';
  children: ReactNode;
}

/** A form control under its visible label; wrapping it in the <label> names it and makes the label clickable. */
export function Field({ label, required = false, layout, children }: Props) {
  return (
    <label className={layout ? `field field-${layout}` : 'field'}>
      <span className="field-label">
        {label}
        {required && (
          <>
            {' '}
            <span className="required" aria-hidden="true">
              *
            </span>
          </>
        )}
      </span>
      {children}
    </label>
  );
}
