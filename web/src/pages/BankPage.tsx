import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { VectorGroup } from '@contract';
import { bankTaxaQuery } from '../api/bank-queries';
import { ErrorMessage } from '../components/ErrorMessage';
import { Field } from '../components/Field';
import { ListBody } from '../components/ListBody';
import { EnumSelect } from '../components/Select';
import { TaxonLabel } from '../components/TaxonLabel';
import { useEnumLabel } from '../enums';
import { useDebounced } from '../use-debounced';

const SEARCH_DELAY_MS = 250;

/** `#/bank`: the reference collection, the taxa with confirmed specimens the person may see, searched in both languages. */
export function BankPage() {
  const { t } = useTranslation();
  const enumLabel = useEnumLabel();
  const [text, setText] = useState('');
  const [group, setGroup] = useState<VectorGroup | ''>('');
  const q = useDebounced(text.trim(), SEARCH_DELAY_MS);
  const {
    data,
    error,
    isPending,
    isPlaceholderData: loading,
    refetch,
  } = useQuery(bankTaxaQuery({ q: q || undefined, group: group || undefined }));
  const items = data?.items ?? [];

  return (
    <section className="page" data-testid="bank-page">
      <h1 className="page-title">{t('bank.title')}</h1>
      <p className="muted">{t('bank.intro')}</p>
      <form className="card filters" role="search" onSubmit={(event) => event.preventDefault()}>
        <Field label={t('bank.search')}>
          <input
            type="search"
            value={text}
            placeholder={t('taxonomy.searchPlaceholder')}
            onChange={(event) => setText(event.target.value)}
            data-testid="bank-search"
          />
        </Field>
        <Field label={t('taxonomy.group')}>
          <EnumSelect kind="group" value={group} placeholder={t('common.any')} onChange={setGroup} testId="bank-group" />
        </Field>
      </form>
      <ErrorMessage error={error} onRetry={() => void refetch()} />
      <ListBody
        pending={isPending}
        error={error}
        empty={items.length === 0}
        emptyText={t('bank.empty')}
        emptyTestId="bank-empty"
        loading={loading}
      >
        <table className="data-table" data-testid="bank-taxa">
          <thead>
            <tr>
              <th scope="col">{t('bank.taxon')}</th>
              <th scope="col">{t('taxonomy.group')}</th>
              <th scope="col">{t('bank.specimens')}</th>
              <th scope="col">{t('bank.examples')}</th>
            </tr>
          </thead>
          <tbody>
            {items.map(({ taxon, specimens, examples }) => (
              <tr key={taxon.id} data-testid="bank-taxon-row" data-taxon={taxon.id}>
                <td>
                  <Link to="/bank/$taxonId" params={{ taxonId: taxon.id }} data-testid="bank-taxon-link">
                    <TaxonLabel taxon={taxon} />
                  </Link>
                </td>
                <td>{enumLabel('group', taxon.group)}</td>
                <td data-testid="bank-taxon-specimens">{specimens}</td>
                <td data-testid="bank-taxon-examples">{examples}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </ListBody>
    </section>
  );
}
