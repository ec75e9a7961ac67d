import { useQuery } from '@tanstack/react-query';
import { useId, useReducer, type KeyboardEvent, type Ref } from 'react';
import { useTranslation } from 'react-i18next';
import type { Taxon, VectorGroup } from '@contract';
import { taxonSuggestionsQuery } from '../api/taxa-queries';
import { useEnumLabel } from '../enums';
import { useDebounced } from '../use-debounced';
import { EnumSelect } from './Select';
import { TaxonLabel, WatchListMarker } from './TaxonLabel';
import { TaxonName } from './TaxonName';
import { activeIndex, initialPickerState, optionToChoose, pickerReducer } from './taxon-picker-state';

const SEARCH_DELAY_MS = 250;
const NO_TAXA: readonly Taxon[] = [];

interface Props {
  label: string;
  value: Taxon | null;
  onChange: (taxon: Taxon | null) => void;
  /** Offers only taxa of this group ('' or left out: any). */
  group?: VectorGroup | '';
  /** Shows the group filter beside the field when given. */
  onGroupChange?: (group: VectorGroup | '') => void;
  inputRef?: Ref<HTMLInputElement>;
  autoFocus?: boolean;
  disabled?: boolean;
}

function TaxonOption({ taxon }: { taxon: Taxon }) {
  const enumLabel = useEnumLabel();
  return (
    <>
      <span className="taxon-option-names">
        <span lang="zh-CN">{taxon.nameZh}</span>
        {taxon.nameEn && <span lang="en">{taxon.nameEn}</span>}
      </span>
      <span className="taxon-option-sci">
        <TaxonName taxon={taxon.id} />
        <span className="badge badge-rank">{enumLabel('rank', taxon.rank)}</span>
        {taxon.watchList && <WatchListMarker />}
      </span>
    </>
  );
}

/**
 * Picks a taxon of the taxonomy by any of its names (Chinese, English, scientific, synonyms), searched as one types:
 * a combobox with its listbox (↑/↓ move, Enter chooses — the best match when none is active —, Escape closes).
 */
export function TaxonPicker({ label, value, onChange, group = '', onGroupChange, inputRef, autoFocus, disabled = false }: Props) {
  const { t } = useTranslation();
  const inputId = useId();
  const listId = useId();
  const [state, dispatch] = useReducer(pickerReducer, value?.id ?? '', initialPickerState);
  const text = useDebounced(state.text.trim(), SEARCH_DELAY_MS);
  const { data, isFetching, error } = useQuery(taxonSuggestionsQuery(text, group || undefined));
  const options = text === '' ? NO_TAXA : (data?.items ?? NO_TAXA);
  const active = activeIndex(state, options.length);
  const optionId = (index: number) => `${listId}-${index}`;

  function choose(taxon: Taxon): void {
    dispatch({ type: 'chose', text: taxon.id });
    onChange(taxon);
  }

  function onKeyDown(event: KeyboardEvent<HTMLInputElement>): void {
    switch (event.key) {
      case 'ArrowDown':
        event.preventDefault();
        dispatch({ type: 'down', count: options.length });
        break;
      case 'ArrowUp':
        event.preventDefault();
        dispatch({ type: 'up', count: options.length });
        break;
      case 'Enter': {
        const index = optionToChoose(state, options.length);
        const taxon = options[index];
        if (!taxon) return;
        event.preventDefault(); // choosing is not submitting the form
        choose(taxon);
        break;
      }
      case 'Escape':
        if (state.open) event.stopPropagation();
        dispatch({ type: 'escape' });
        if (!state.open && value) onChange(null);
        break;
    }
  }

  return (
    <div className="taxon-picker" data-testid="taxon-picker">
      <label className="field-label" htmlFor={inputId}>
        {label}
      </label>
      <div className="taxon-picker-controls">
        <div className="taxon-picker-combo">
          <input
            ref={inputRef}
            id={inputId}
            autoFocus={autoFocus}
            type="text"
            role="combobox"
            aria-expanded={state.open}
            aria-controls={listId}
            aria-autocomplete="list"
            aria-activedescendant={active >= 0 ? optionId(active) : undefined}
            autoComplete="off"
            spellCheck={false}
            placeholder={t('taxonomy.searchPlaceholder')}
            value={state.text}
            disabled={disabled}
            onChange={(event) => {
              dispatch({ type: 'typed', text: event.target.value });
              if (value) onChange(null);
            }}
            onKeyDown={onKeyDown}
            onBlur={() => dispatch({ type: 'close' })}
            data-testid="taxon-picker-input"
          />
          <ul
            id={listId}
            role="listbox"
            aria-label={label}
            className="taxon-options"
            hidden={!state.open}
            aria-busy={isFetching}
            data-testid="taxon-picker-listbox"
          >
            {options.map((taxon, index) => (
              <li
                key={taxon.id}
                id={optionId(index)}
                role="option"
                aria-selected={index === active}
                className={`taxon-option${index === active ? ' is-active' : ''}`}
                // Keeps the focus in the field: a click chooses without blurring (which would close the list first).
                onMouseDown={(event) => event.preventDefault()}
                onClick={() => choose(taxon)}
                data-testid="taxon-picker-option"
                data-taxon={taxon.id}
              >
                <TaxonOption taxon={taxon} />
              </li>
            ))}
            {state.open && options.length === 0 && (
              <li role="presentation" className="taxon-option-empty muted" data-testid="taxon-picker-empty">
                {error
                  ? t('taxonomy.searchFailed')
                  : isFetching || text !== state.text.trim()
                    ? t('common.loading')
                    : t('taxonomy.noMatch')}
              </li>
            )}
          </ul>
        </div>
        {onGroupChange && (
          <EnumSelect
            kind="group"
            value={group}
            placeholder={t('taxonomy.anyGroup')}
            onChange={onGroupChange}
            disabled={disabled}
            testId="taxon-picker-group"
          />
        )}
      </div>
      {value && (
        <p className="taxon-picker-value" data-testid="taxon-picker-value" data-taxon={value.id}>
          <span className="muted">{t('taxonomy.chosen')}</span> <TaxonLabel taxon={value} />
        </p>
      )}
    </div>
  );
}
