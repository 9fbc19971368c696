/**
 * /api/v1 people, units, approval routes, delegations, bind codes and bindings: what `npm run admin`
 * does, for admins, within the units they look after.
 */
import { z } from 'zod';
import {
  cursorSchema,
  instantSchema,
  objectIdSchema,
  pageLimitSchema,
  pageSchema,
  personReferenceSchema,
  roleSchema,
  timeBoundSchema,
  unitReferenceSchema,
} from './common';

export const idParamsSchema = z.strictObject({ id: objectIdSchema });

export const unitViewSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    kind: z.enum(['government', 'department', 'town', 'office']),
    parentId: z.string().nullable(),
    mainLeader: personReferenceSchema.nullable(),
  })
  .meta({ id: 'Unit' });
export type UnitView = z.infer<typeof unitViewSchema>;
export const unitListSchema = z.object({ items: z.array(unitViewSchema) }).meta({ id: 'UnitList' });
export type UnitList = z.infer<typeof unitListSchema>;

export const peopleQuerySchema = z
  .strictObject({
    unitId: objectIdSchema.optional(),
    q: z.string().trim().min(1).max(50).optional(),
    active: z.enum(['true', 'false']).optional(),
    limit: pageLimitSchema,
    cursor: cursorSchema.optional(),
  })
  .meta({ id: 'PeopleQuery' });

export const personViewSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    code: z.string(),
    title: z.string(),
    roles: z.array(roleSchema),
    units: z.array(unitReferenceSchema),
    active: z.boolean(),
    /** Chat identities (per puppet) and mini-program openids bound, without the ids themselves. */
    bindings: z.array(
      z.object({ kind: z.enum(['chat', 'mini-program']), provider: z.string(), boundAt: instantSchema }),
    ),
    /**
     * Whether the caller may issue this person a bind code, unbind them or set their delegations: not for
     * an admin of equal or wider scope (the caller included) nor for someone who also belongs elsewhere.
     */
    manageable: z.boolean(),
  })
  .meta({ id: 'Person' });
export type PersonView = z.infer<typeof personViewSchema>;
export const personPageSchema = pageSchema(personViewSchema).meta({ id: 'PersonPage' });
export type PersonPage = z.infer<typeof personPageSchema>;

/** POST /api/v1/organization/import: the organization file's text (docs/organization-import.md). */
export const organizationImportRequestSchema = z
  .strictObject({ format: z.enum(['json', 'csv']), content: z.string().min(1).max(900_000) })
  .meta({ id: 'OrganizationImportRequest' });
export const importSummarySchema = z
  .object({
    units: z.number().int(),
    people: z.number().int(),
    routes: z.number().int(),
    created: z.number().int(),
    updated: z.number().int(),
  })
  .meta({ id: 'ImportSummary' });
export type ImportSummary = z.infer<typeof importSummarySchema>;

export const bindCodeRequestSchema = z.strictObject({}).meta({ id: 'BindCodeRequest' });
export const bindCodeResponseSchema = z
  .object({ code: z.string(), expiresAt: instantSchema, person: personReferenceSchema, instruction: z.string() })
  .meta({ id: 'BindCodeResponse' });
export type BindCodeResponse = z.infer<typeof bindCodeResponseSchema>;

/** DELETE /api/v1/people/:id/bindings — for a person who left; pending steps go to the backup approver. */
export const unbindResponseSchema = z
  .object({
    person: personReferenceSchema,
    bindingsRemoved: z.number().int(),
    /** Drafts whose pending step moved to the backup approver (or, without one, to the admins' attention). */
    movedDrafts: z.array(z.object({ code: z.string(), to: z.array(personReferenceSchema) })),
    unassignedDrafts: z.array(z.string()),
  })
  .meta({ id: 'UnbindResponse' });
export type UnbindResponse = z.infer<typeof unbindResponseSchema>;

export const approvalRouteViewSchema = z
  .object({
    id: z.string(),
    unit: unitReferenceSchema,
    accountId: z.string().nullable(),
    steps: z.array(
      z.object({
        mode: z.enum(['any', 'all']),
        approvers: z.array(personReferenceSchema),
        backupApprovers: z.array(personReferenceSchema),
      }),
    ),
    cc: z.array(personReferenceSchema),
    updatedAt: instantSchema,
  })
  .meta({ id: 'ApprovalRoute' });
export type ApprovalRouteView = z.infer<typeof approvalRouteViewSchema>;
export const approvalRouteListSchema = z
  .object({ items: z.array(approvalRouteViewSchema) })
  .meta({ id: 'ApprovalRouteList' });
export type ApprovalRouteList = z.infer<typeof approvalRouteListSchema>;

export const delegationViewSchema = z
  .object({
    id: z.string(),
    person: personReferenceSchema,
    delegate: personReferenceSchema,
    from: instantSchema,
    until: instantSchema,
    cancelledAt: instantSchema.nullable(),
    createdAt: instantSchema,
  })
  .meta({ id: 'Delegation' });
export type DelegationView = z.infer<typeof delegationViewSchema>;
export const delegationListSchema = z.object({ items: z.array(delegationViewSchema) }).meta({ id: 'DelegationList' });
export type DelegationList = z.infer<typeof delegationListSchema>;

export const delegationRequestSchema = z
  .strictObject({
    personId: objectIdSchema,
    delegateId: objectIdSchema,
    /** A date alone starts at its beginning. */
    from: timeBoundSchema,
    /** A date alone runs through its end. */
    until: timeBoundSchema,
  })
  .meta({ id: 'DelegationRequest' });
export type DelegationRequest = z.infer<typeof delegationRequestSchema>;

/** Answer of the DELETE routes that remove or end something. */
export const removalResponseSchema = z
  .object({ id: z.string(), removedAt: instantSchema })
  .meta({ id: 'RemovalResponse' });
export type RemovalResponse = z.infer<typeof removalResponseSchema>;
