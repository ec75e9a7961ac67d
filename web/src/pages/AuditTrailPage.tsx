import { useQuery } from '@tanstack/react-query';
import { getRouteApi, Link } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import type { AuditEntityType, AuditEntry } from '@contract';
import { auditEntriesQuery } from '../api/audit-queries';
import { AuditChange } from '../components/audit/AuditChange';
import { DateRangeFields } from '../components/DateRangeFields';
import { ErrorMessage } from '../components/ErrorMessage';
import { ListBody } from '../components/ListBody';
import { Pagination } from '../components/Pagination';
import { Field } from '../components/Field';
import { EnumSelect } from '../components/Select';
import { AUDIT_PAGE_SIZE, auditQueryFor, type AuditSearch } from '../audit-search';
import { useEnumLabel } from '../enums';
import { formatDateTime } from '../format';
import { useLanguage } from '../i18n';

const route = getRouteApi('/signed-in/admin/audit');

/** What was changed: a link to its page where it has one. */
function AuditEntity({ entry }: { entry: AuditEntry }) {
  const enumLabel = useEnumLabel();
  const id = <code>{entry.entityId}</code>;
  return (
    <>
      {enumLabel('auditEntityType', entry.entityType)}{' '}
      {entry.entityType === 'specimen' ? (
        <Link to="/specimens/$id" params={{ id: entry.entityId }} data-testid="audit-entity-link">
          {id}
        </Link>
      ) : entry.entityType === 'room' ? (
        <Link to="/rooms/$id" params={{ id: entry.entityId }} data-testid="audit-entity-link">
          {id}
        </Link>
      ) : (
        id
      )}
    </>
  );
}

/** `#/admin/audit` (administrators): who changed what and when, newest first; its filters and page are the URL's. */
export function AuditTrailPage() {
  const { t } = useTranslation();
  const lng = useLanguage();
  const search = route.useSearch();
  const navigate = route.useNavigate();
  const query = auditQueryFor(search);
  const { data, error, isPending, isPlaceholderData: loading, refetch } = useQuery(auditEntriesQuery(query));

  /** A changed filter is a new address, from the first page; typing replaces the address rather than adding one a key. */
  function setFilters(filters: Partial<AuditSearch>, { replace = false } = {}): void {
    void navigate({ search: (previous) => ({ ...previous, ...filters, page: undefined }), replace });
  }

  function goToPage(page: number): void {
    void navigate({ search: (previous) => ({ ...previous, page: page > 1 ? page : undefined }) });
  }

  const items = data?.items ?? [];
  const total = data?.total ?? 0;
  const offset = ((search.page ?? 1) - 1) * AUDIT_PAGE_SIZE;

  return (
    <section className="page" data-testid="audit-page">
      <h1 className="page-title">{t('audit.title')}</h1>
      <form className="card filters" role="search" onSubmit={(event) => event.preventDefault()}>
        <Field label={t('audit.action')}>
          <input
            type="search"
            value={search.action ?? ''}
            maxLength={100}
            placeholder={t('audit.actionPlaceholder')}
            onChange={(event) => setFilters({ action: event.target.value || undefined }, { replace: true })}
            data-testid="audit-action"
          />
        </Field>
        <Field label={t('audit.entityType')}>
          <EnumSelect<'auditEntityType', AuditEntityType | ''>
            kind="auditEntityType"
            value={search.entityType ?? ''}
            placeholder={t('common.any')}
            onChange={(entityType) => setFilters({ entityType: entityType || undefined })}
            testId="audit-entity-type"
          />
        </Field>
        <DateRangeFields
          from={search.from}
          to={search.to}
          labels={{ from: t('audit.from'), to: t('audit.to') }}
          onChange={setFilters}
          testIdPrefix="audit"
        />
      </form>
      <ErrorMessage error={error} onRetry={() => void refetch()} />
      <ListBody
        pending={isPending}
        error={error}
        empty={items.length === 0}
        emptyText={t('audit.noMatch')}
        emptyTestId="audit-empty"
        loading={loading}
      >
        <table className="data-table" data-testid="audit-table">
          <thead>
            <tr>
              <th scope="col">{t('audit.when')}</th>
              <th scope="col">{t('audit.who')}</th>
              <th scope="col">{t('audit.action')}</th>
              <th scope="col">{t('audit.entity')}</th>
              <th scope="col">{t('audit.change')}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((entry) => (
              <tr key={entry.id} data-testid="audit-row" data-action={entry.action}>
                <td>{formatDateTime(entry.at, lng)}</td>
                <td>
                  {entry.actor ? (
                    <span title={entry.actor.username}>{entry.actor.displayName}</span>
                  ) : (
                    <span className="muted">{t('audit.service')}</span>
                  )}
                </td>
                <td>
                  <code>{entry.action}</code>
                </td>
                <td>
                  <AuditEntity entry={entry} />
                </td>
                <td>
                  <AuditChange entry={entry} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </ListBody>
      <Pagination offset={offset} shown={items.length} total={total} pageSize={AUDIT_PAGE_SIZE} loading={loading} onPage={goToPage} />
    </section>
  );
}
