/**
 * People known to the system: officers, leaders and admins. A person is identified by their
 * record id; chat and mini-program identities are attached through IdentityBinding, never by name.
 */
import type { Types } from 'mongoose';
import { Schema, model } from 'mongoose';
import { uniqueIndex } from '../shared/unique-conflict-plugin';

export const personRoles = ['officer', 'leader', 'admin'] as const;
export type PersonRole = (typeof personRoles)[number];

export interface Person {
  _id: Types.ObjectId;
  name: string;
  /** The unit's own staff code (编码) from the organization file; '' when none was given. */
  code: string;
  /**
   * The natural key an organization import matches this person by: "code:<code>", or
   * "name:<unit path>#<name>" for people imported without a code, or "id:<_id>" for people created
   * any other way. Unique, so two concurrent imports cannot create the same person twice.
   */
  importKey: string;
  title: string;
  roles: PersonRole[];
  unitIds: Types.ObjectId[];
  /** For admins: the root of the subtree of units they manage. */
  adminOfUnitId: Types.ObjectId | null;
  active: boolean;
  createdAt: Date;
  updatedAt: Date;
}

const personSchema = new Schema<Person>(
  {
    name: { type: String, required: true, trim: true, maxlength: 50 },
    code: { type: String, default: '', trim: true, maxlength: 50 },
    importKey: { type: String, required: true },
    title: { type: String, default: '', trim: true, maxlength: 50 },
    roles: { type: [String], enum: personRoles, default: [] },
    unitIds: { type: [Schema.Types.ObjectId], ref: 'Unit', default: [] },
    adminOfUnitId: { type: Schema.Types.ObjectId, ref: 'Unit', default: null },
    active: { type: Boolean, default: true },
  },
  { timestamps: true },
);

personSchema.pre('validate', function assignImportKey() {
  if (!this.importKey) this.importKey = `id:${String(this._id)}`;
});

uniqueIndex(personSchema, {
  fields: ['importKey'],
  code: 'PERSON_ALREADY_EXISTS',
  message: '该人员已登记（编码或同单位同名人员重复）',
});
personSchema.index({ unitIds: 1, roles: 1 });
// Lookups by name or code list people in creation order (_id), so the order comes from the index.
personSchema.index({ name: 1, _id: 1 });
personSchema.index({ code: 1, _id: 1 });
personSchema.index({ roles: 1, active: 1, _id: 1 });

export const PersonModel = model<Person>('Person', personSchema);
