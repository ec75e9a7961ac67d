import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Taxon, VectorGroup } from '@contract';
import { taxonSearchQuery, useUpdateTaxon } from '../api/taxa-queries';
import { ErrorMessage } from '../components/ErrorMessage';
import { ListBody } from '../components/ListBody';
import { Field } from '../components/Field';
import { EnumSelect } from '../components/Select';
import { TaxonName } from '../components/TaxonName';
import { useEnumLabel } from '../enums';
import { useDebounced } from '../use-debounced';

const SEARCH_DELAY_MS = 250;
const PAGE_SIZE = 100;

/** A taxon's watch-list switch: changed on the server at once (and audited there). */
function WatchListToggle({ taxon }: { taxon: Taxon }) {
  const { t } = useTranslation();
  const { mutate, isPending, error, variables } = useUpdateTaxon();
  // While the change is on its way, the box shows what was asked for.
  const checked = isPending && variables ? variables.watchList : taxon.watchList;
  return (
    <>
      <label className="field-check">
        <input
          type="checkbox"
          checked={checked}
          disabled={isPending}
          onChange={(event) => mutate({ id: taxon.id, watchList: event.target.checked })}
          data-testid="taxon-watchlist-toggle"
        />
        <span>{t('taxonomy.watchList')}</span>
      </label>
      <ErrorMessage error={error} />
    </>
  );
}

/** `#/admin/taxa` (administrators): the taxonomy searched in both languages; the watch list edited in place. */
export function TaxaAdminPage() {
  const { t } = useTranslation();
  const enumLabel = useEnumLabel();
  const [text, setText] = useState('');
  const [group, setGroup] = useState<VectorGroup | ''>('');
  const [watchedOnly, setWatchedOnly] = useState(false);
  const q = useDebounced(text.trim(), SEARCH_DELAY_MS);
  const query = { q: q || undefined, group: group || undefined, watchList: watchedOnly || undefined, limit: PAGE_SIZE };
  const { data, error, isPending, isPlaceholderData: loading, refetch } = useQuery(taxonSearchQuery(query));
  const items = data?.items ?? [];

  return (
    <section className="page" data-testid="taxa-admin-page">
      <h1 className="page-title">{t('taxonomy.title')}</h1>
      <form className="card filters" role="search" onSubmit={(event) => event.preventDefault()}>
        <Field label={t('taxonomy.search')}>
          <input
            type="search"
            value={text}
            placeholder={t('taxonomy.searchPlaceholder')}
            onChange={(event) => setText(event.target.value)}
            data-testid="taxa-search"
          />
        </Field>
        <Field label={t('taxonomy.group')}>
          <EnumSelect kind="group" value={group} placeholder={t('common.any')} onChange={setGroup} testId="taxa-group" />
        </Field>
        <label className="field-check">
          <input
            type="checkbox"
            checked={watchedOnly}
            onChange={(event) => setWatchedOnly(event.target.checked)}
            data-testid="taxa-watched-only"
          />
          <span>{t('taxonomy.watchedOnly')}</span>
        </label>
      </form>
      <ErrorMessage error={error} onRetry={() => void refetch()} />
      <ListBody
        pending={isPending}
        error={error}
        empty={items.length === 0}
        emptyText={t('taxonomy.noMatch')}
        emptyTestId="taxa-empty"
        loading={loading}
      >
        <table className="data-table" data-testid="taxa-table">
          <thead>
            <tr>
              <th scope="col">{t('taxonomy.scientificName')}</th>
              <th scope="col">{t('taxonomy.nameZh')}</th>
              <th scope="col">{t('taxonomy.nameEn')}</th>
              <th scope="col">{t('taxonomy.rank')}</th>
              <th scope="col">{t('taxonomy.group')}</th>
              <th scope="col">{t('taxonomy.watchList')}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((taxon) => (
              <tr key={taxon.id} data-testid="taxon-row" data-taxon={taxon.id} data-watch-list={taxon.watchList}>
                <td>
                  <TaxonName taxon={taxon.id} />
                </td>
                <td lang="zh-CN">{taxon.nameZh}</td>
                <td lang="en">{taxon.nameEn}</td>
                <td>{enumLabel('rank', taxon.rank)}</td>
                <td>{enumLabel('group', taxon.group)}</td>
                <td>
                  <WatchListToggle taxon={taxon} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </ListBody>
    </section>
  );
}
