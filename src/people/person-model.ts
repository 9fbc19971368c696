/**
 * People known to the system: officers, leaders and admins. A person is identified by their
 * record id; chat and mini-program identities are attached through IdentityBinding, never by name.
 */
import type { Types } from 'mongoose';
import { Schema, model } from 'mongoose';

export const personRoles = ['officer', 'leader', 'admin'] as const;
export type PersonRole = (typeof personRoles)[number];

export interface Person {
  _id: Types.ObjectId;
  name: string;
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
    title: { type: String, default: '', trim: true, maxlength: 50 },
    roles: { type: [String], enum: personRoles, default: [] },
    unitIds: { type: [Schema.Types.ObjectId], ref: 'Unit', default: [] },
    adminOfUnitId: { type: Schema.Types.ObjectId, ref: 'Unit', default: null },
    active: { type: Boolean, default: true },
  },
  { timestamps: true },
);

personSchema.index({ unitIds: 1, roles: 1 });

export const PersonModel = model<Person>('Person', personSchema);
