/**
 * Units form a tree: the government office, its departments and towns, and their internal offices.
 * `ancestorIds` (root first) lets an admin's subtree be found with one indexed query.
 */
import type { Types } from 'mongoose';
import { Schema, model } from 'mongoose';
import { uniqueIndex } from '../shared/unique-conflict-plugin';

export const unitKinds = ['government', 'department', 'town', 'office'] as const;
export type UnitKind = (typeof unitKinds)[number];

export interface Unit {
  _id: Types.ObjectId;
  name: string;
  kind: UnitKind;
  parentId: Types.ObjectId | null;
  ancestorIds: Types.ObjectId[];
  /** The unit's main leader (主要负责人): the default approver of its drafts. */
  mainLeaderId: Types.ObjectId | null;
  createdAt: Date;
  updatedAt: Date;
}

const unitSchema = new Schema<Unit>(
  {
    name: { type: String, required: true, trim: true, maxlength: 100 },
    kind: { type: String, enum: unitKinds, required: true },
    parentId: { type: Schema.Types.ObjectId, ref: 'Unit', default: null },
    ancestorIds: { type: [Schema.Types.ObjectId], default: [] },
    mainLeaderId: { type: Schema.Types.ObjectId, ref: 'Person', default: null },
  },
  { timestamps: true },
);

uniqueIndex(unitSchema, {
  fields: ['parentId', 'name'],
  code: 'UNIT_NAME_TAKEN',
  message: '同一上级单位下已有同名单位',
});
unitSchema.index({ ancestorIds: 1 });
// 转办 names the receiving unit.
unitSchema.index({ name: 1, _id: 1 });
unitSchema.index({ mainLeaderId: 1 });

export const UnitModel = model<Unit>('Unit', unitSchema);
