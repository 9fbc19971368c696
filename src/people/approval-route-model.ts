/**
 * Who reviews the drafts of a unit (R1, R9): an ordered list of approval steps, configured per unit
 * and optionally per account of that unit, plus the people informed (抄送) once a draft is approved or
 * published. A unit without a route is reviewed by its main leader (see approval-route-rules).
 */
import type { Types } from 'mongoose';
import { Schema, model } from 'mongoose';
import { uniqueIndex } from '../shared/unique-conflict-plugin';

export const approvalModes = ['any', 'all'] as const;
/** any: 或签, one approver suffices; all: 会签, every approver must approve. */
export type ApprovalMode = (typeof approvalModes)[number];

export interface ApprovalRouteStep {
  mode: ApprovalMode;
  approverIds: Types.ObjectId[];
  /** May decide in place of the approvers when they cannot (the drafts feature decides when). */
  backupApproverIds: Types.ObjectId[];
}

export interface ApprovalRoute {
  _id: Types.ObjectId;
  unitId: Types.ObjectId;
  /** null: the route of the whole unit; otherwise the route of this one account. */
  accountId: Types.ObjectId | null;
  /** '' for the unit's route, the account id otherwise: a plain string, so the unique index holds on FerretDB. */
  accountKey: string;
  steps: ApprovalRouteStep[];
  ccIds: Types.ObjectId[];
  updatedById: Types.ObjectId | null;
  createdAt: Date;
  updatedAt: Date;
}

const stepSchema = new Schema<ApprovalRouteStep>(
  {
    mode: { type: String, enum: approvalModes, default: 'any' },
    approverIds: { type: [Schema.Types.ObjectId], ref: 'Person', default: [] },
    backupApproverIds: { type: [Schema.Types.ObjectId], ref: 'Person', default: [] },
  },
  { _id: false },
);

const approvalRouteSchema = new Schema<ApprovalRoute>(
  {
    unitId: { type: Schema.Types.ObjectId, ref: 'Unit', required: true },
    accountId: { type: Schema.Types.ObjectId, ref: 'Account', default: null },
    accountKey: { type: String, default: '' },
    steps: { type: [stepSchema], default: [] },
    ccIds: { type: [Schema.Types.ObjectId], ref: 'Person', default: [] },
    updatedById: { type: Schema.Types.ObjectId, ref: 'Person', default: null },
  },
  { timestamps: true, versionKey: false },
);

approvalRouteSchema.pre('validate', function deriveAccountKey() {
  this.accountKey = this.accountId ? String(this.accountId) : '';
});

uniqueIndex(approvalRouteSchema, {
  fields: ['unitId', 'accountKey'],
  code: 'APPROVAL_ROUTE_EXISTS',
  message: '该单位（账号）已配置审核路由',
});

approvalRouteSchema.index({ 'steps.approverIds': 1 });
// The admin's routes, by unit, in a stable order (list and delete).
approvalRouteSchema.index({ unitId: 1, _id: 1 });
approvalRouteSchema.index({ 'steps.backupApproverIds': 1 });

export const ApprovalRouteModel = model<ApprovalRoute>('ApprovalRoute', approvalRouteSchema, 'approval_routes');
