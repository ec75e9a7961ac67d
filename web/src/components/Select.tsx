import type { Port, Unit, UnitLevel } from '@contract';
import { ENUMS, useEnumLabel, type EnumKind, type EnumValue } from '../enums';
import { portLabel, unitName } from '../format';
import { useLanguage } from '../i18n';

interface SelectProps<V extends string> {
  options: readonly { value: V; label: string }[];
  value: V;
  onChange: (value: V) => void;
  /** Labels an empty first option ("any", "not specified"); only a select whose value may be '' has one. */
  placeholder?: '' extends V ? string : never;
  testId: string;
  required?: boolean;
  disabled?: boolean;
  /** Names a select that has no visible label. */
  ariaLabel?: string;
}

export function Select<V extends string>({ options, value, onChange, placeholder, testId, required, disabled, ariaLabel }: SelectProps<V>) {
  return (
    <select
      value={value}
      onChange={(e) => onChange(e.target.value as V)}
      disabled={disabled}
      required={required}
      aria-label={ariaLabel}
      data-testid={testId}
    >
      {placeholder !== undefined && <option value="">{placeholder}</option>}
      {options.map((option) => (
        <option key={option.value} value={option.value}>
          {option.label}
        </option>
      ))}
    </select>
  );
}

/** Offers every value of an enum, in its declared order, labelled in the current language. */
export function EnumSelect<K extends EnumKind, V extends EnumValue<K> | ''>({
  kind,
  ...props
}: Omit<SelectProps<V>, 'options'> & { kind: K }) {
  const enumLabel = useEnumLabel();
  // Every value of the enum is a V; V only adds '' where the caller's state allows it.
  const options = ENUMS[kind].map((value) => ({ value: value as V, label: enumLabel(kind, value) }));
  return <Select<V> {...props} options={options} />;
}

/** Offers ports by code, labelled with code and name in the current language. */
export function PortSelect({ ports, ...props }: Omit<SelectProps<string>, 'options'> & { ports: readonly Port[] }) {
  const lng = useLanguage();
  const options = ports.map((port) => ({ value: port.code, label: portLabel(port, lng) }));
  return <Select {...props} options={options} />;
}

const UNIT_DEPTH: Readonly<Record<UnitLevel, number>> = { headquarters: 0, district: 1, port: 2 };

/** Offers units by id in the order given (each after its parent), indented by level, with name and code. */
export function UnitSelect({ units, ...props }: Omit<SelectProps<string>, 'options'> & { units: readonly Unit[] }) {
  const lng = useLanguage();
  const options = units.map((unit) => ({
    value: unit.id,
    label: `${'\u00a0\u00a0\u00a0'.repeat(UNIT_DEPTH[unit.level])}${unitName(unit, lng)} · ${unit.code}`,
  }));
  return <Select {...props} options={options} />;
}
