import { Type, type Static, type TSchema } from 'typebox';

export const Uuid = Type.String({ format: 'uuid' });
export const DateTime = Type.String({ format: 'date-time' });

export const Nullable = <T extends TSchema>(schema: T, options: { description?: string } = {}) =>
  Type.Union([schema, Type.Null()], options);

export const ErrorBody = Type.Object(
  {
    error: Type.String({ description: 'A stable, machine-readable code (`not_found`, `invalid_body`, …)' }),
    message: Type.String({ description: 'What went wrong, in words' }),
    details: Type.Optional(Type.Unknown({ description: 'Facts behind the error: the limit, the accepted values, the field' })),
  },
  { title: 'Error', description: 'Every 4xx/5xx answer has this shape' },
);

/** The error answers a route may give, for its `response` map. */
export const errorResponses = <const Statuses extends readonly number[]>(...statuses: Statuses) =>
  Object.fromEntries(statuses.map((status) => [status, ErrorBody])) as { [Status in Statuses[number]]: typeof ErrorBody };

export const PersonRef = Type.Object({ id: Uuid, username: Type.String(), displayName: Type.String() }, { title: 'PersonRef' });

/** `limit` and `offset` of a paged list, with the given largest and default page size. */
export const pageQuery = (maximum: number, defaultLimit: number) => ({
  limit: Type.Integer({ minimum: 1, maximum, default: defaultLimit }),
  offset: Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, default: 0 }),
});

/** A list of named items is named after them (`SpecimenPage`, `PortList`), so clients generated from the document are too. */
const namedAfter = (item: TSchema, suffix: string) => {
  const { title } = item as { title?: unknown };
  return typeof title === 'string' ? { title: `${title}${suffix}` } : {};
};

/** One page of a list: the items and where they sit in the whole. */
export const Page = <T extends TSchema>(item: T) =>
  Type.Object(
    { items: Type.Array(item), total: Type.Integer({ minimum: 0 }), limit: Type.Integer(), offset: Type.Integer() },
    namedAfter(item, 'Page'),
  );

export const Items = <T extends TSchema>(item: T) => Type.Object({ items: Type.Array(item) }, namedAfter(item, 'List'));

/** What a file download answers besides errors: the bytes, a byte range of them, or "unchanged". */
export const FileResponses = {
  200: Type.Unknown({ description: 'The file' }),
  206: Type.Unknown({ description: 'The requested byte range of the file (`Range: bytes=…`)' }),
  304: Type.Null({ description: "Unchanged since the request's If-None-Match / If-Modified-Since" }),
};

export type ErrorBody = Static<typeof ErrorBody>;
export type PersonRef = Static<typeof PersonRef>;
