import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { Port, Taxon } from '@contract';
import { taxonQuery } from '../api/taxa-queries';
import type { EnumKind, EnumValue } from '../enums';
import { DEFAULT_SORT, hasFilters, type SpecimenSearch } from '../specimen-search';
import { DateRangeFields } from './DateRangeFields';
import { Field } from './Field';
import { EnumSelect, PortSelect } from './Select';
import { TaxonPicker } from './TaxonPicker';

export type Filters = Omit<SpecimenSearch, 'page'>;

interface Props {
  search: SpecimenSearch;
  ports: readonly Port[];
  /** A changed filter (or order): the page starts again from the first page. */
  onChange: (filters: Filters) => void;
  onClear: () => void;
}

/**
 * The taxon of the URL, once the taxonomy has named it. The picker starts from its text when mounted, so it is mounted
 * again (its `key`) when the taxon arrives or changes. Typing over a chosen taxon keeps the filter until another is
 * chosen; the filter is taken off with its own button.
 */
function TaxonFilter({ search, onChange }: Pick<Props, 'search' | 'onChange'>) {
  const { t } = useTranslation();
  const { data } = useQuery({ ...taxonQuery(search.taxon ?? ''), enabled: search.taxon !== undefined });
  const taxon: Taxon | null = search.taxon && data?.id === search.taxon ? data : null;
  return (
    <div className="filters-taxon" data-testid="filter-taxon" data-taxon={search.taxon ?? ''}>
      <TaxonPicker
        key={`${search.taxon ?? ''}:${taxon ? 'named' : ''}`}
        label={t('list.taxon')}
        value={taxon}
        onChange={(chosen) => chosen && onChange({ taxon: chosen.id })}
        group={search.group ?? ''}
        onGroupChange={(group) => onChange({ group: group || undefined })}
      />
      {search.taxon && (
        <button
          type="button"
          className="btn btn-ghost btn-small"
          onClick={() => onChange({ taxon: undefined })}
          data-testid="filter-taxon-clear"
        >
          {t('list.anyTaxon')}
        </button>
      )}
    </div>
  );
}

/** Free text committed when the field is left or Enter is pressed, not at every key (each commit is an address). */
function CodeInput({
  value,
  onCommit,
  placeholder,
  testId,
}: {
  value: string;
  onCommit: (value: string) => void;
  placeholder: string;
  testId: string;
}) {
  return (
    <input
      key={value}
      type="text"
      defaultValue={value}
      placeholder={placeholder}
      spellCheck={false}
      onBlur={(e) => e.target.value.trim() !== value && onCommit(e.target.value.trim())}
      onKeyDown={(e) => {
        if (e.key === 'Enter') e.currentTarget.blur();
      }}
      data-testid={testId}
    />
  );
}

/** A filter by one value of an enum, or by none ("all"). */
function EnumFilter<K extends EnumKind>({
  label,
  kind,
  value,
  onChange,
  testId,
}: {
  label: string;
  kind: K;
  value: EnumValue<K> | undefined;
  onChange: (value: EnumValue<K> | undefined) => void;
  testId: string;
}) {
  const { t } = useTranslation();
  return (
    <Field label={label}>
      <EnumSelect<K, EnumValue<K> | ''>
        kind={kind}
        value={value ?? ''}
        placeholder={t('common.any')}
        onChange={(chosen) => onChange(chosen === '' ? undefined : (chosen as EnumValue<K>))}
        testId={testId}
      />
    </Field>
  );
}

/** The specimen list's filters and order, each control showing the URL's value. */
export function SpecimenFilters({ search, ports, onChange, onClear }: Props) {
  const { t } = useTranslation();
  return (
    <form className="card filters" aria-label={t('list.filters')} onSubmit={(e) => e.preventDefault()}>
      <TaxonFilter search={search} onChange={onChange} />
      <Field label={t('list.port')}>
        <PortSelect
          ports={ports}
          value={search.portCode ?? ''}
          placeholder={t('common.any')}
          onChange={(v) => onChange({ portCode: v || undefined })}
          testId="filter-port"
        />
      </Field>
      <Field label={t('list.district')}>
        <CodeInput
          value={search.district ?? ''}
          placeholder={t('list.districtPlaceholder')}
          onCommit={(v) => onChange({ district: v || undefined })}
          testId="filter-district"
        />
      </Field>
      <EnumFilter
        label={t('list.status')}
        kind="status"
        value={search.status}
        onChange={(status) => onChange({ status })}
        testId="filter-status"
      />
      <EnumFilter
        label={t('list.siteType')}
        kind="siteType"
        value={search.siteType}
        onChange={(siteType) => onChange({ siteType })}
        testId="filter-site-type"
      />
      <EnumFilter
        label={t('list.trapMethod')}
        kind="trapMethod"
        value={search.trapMethod}
        onChange={(trapMethod) => onChange({ trapMethod })}
        testId="filter-trap-method"
      />
      <DateRangeFields
        from={search.from}
        to={search.to}
        labels={{ from: t('list.from'), to: t('list.to') }}
        onChange={onChange}
        testIdPrefix="filter"
      />
      <EnumFilter
        label={t('list.confidence')}
        kind="confidenceBand"
        value={search.confidence}
        onChange={(confidence) => onChange({ confidence })}
        testId="filter-confidence"
      />
      <EnumFilter
        label={t('list.queue')}
        kind="triageQueue"
        value={search.queue}
        onChange={(queue) => onChange({ queue })}
        testId="filter-queue"
      />
      <EnumFilter
        label={t('list.identifiedBy')}
        kind="identifiedBy"
        value={search.identifiedBy}
        onChange={(identifiedBy) => onChange({ identifiedBy })}
        testId="filter-identified-by"
      />
      <Field label={t('list.sort')}>
        <EnumSelect
          kind="specimenSort"
          value={search.sort ?? DEFAULT_SORT}
          onChange={(v) => onChange({ sort: v === DEFAULT_SORT ? undefined : v })}
          testId="filter-sort"
        />
      </Field>
      <div className="filters-footer">
        <label className="field-check">
          <input
            type="checkbox"
            checked={search.mine === true}
            onChange={(e) => onChange({ mine: e.target.checked || undefined })}
            data-testid="filter-mine"
          />
          <span>{t('list.onlyMine')}</span>
        </label>
        <div className="filters-actions">
          <button type="button" className="btn btn-ghost" disabled={!hasFilters(search)} onClick={onClear}>
            {t('list.clearFilters')}
          </button>
        </div>
      </div>
    </form>
  );
}
