/**
 * The organisation a benchmark seeds in bulk: a county government with departments, each with a leader
 * and an officer, the county's admin, and running accounts of the registry.
 */
import { Types } from 'mongoose';
import { UnitModel } from '../src/people/unit-model';
import { PersonModel } from '../src/people/person-model';

const dayMs = 86_400_000;

export interface BenchStaff {
  leader: { _id: Types.ObjectId };
  officer: { _id: Types.ObjectId };
}

export interface BenchCounty {
  countyId: Types.ObjectId;
  /** The departments, in order, and their leader and officer (same order). */
  units: { _id: Types.ObjectId }[];
  staff: BenchStaff[];
}

/** Inserts the county, `unitCount` departments (单位1…), their leaders and officers, and the county's admin. */
export async function seedCounty(now: Date, unitCount: number): Promise<BenchCounty> {
  const countyId = new Types.ObjectId();
  const units = Array.from({ length: unitCount }, (_, index) => ({
    _id: new Types.ObjectId(),
    name: `单位${index + 1}`,
    kind: 'department',
    parentId: countyId,
    ancestorIds: [countyId],
    mainLeaderId: null,
  }));
  const county = { _id: countyId, name: '某县人民政府', kind: 'government', parentId: null, ancestorIds: [] };
  await UnitModel.collection.insertMany(
    [{ ...county, mainLeaderId: null }, ...units].map((unit) => ({ ...unit, createdAt: now, updatedAt: now })),
  );
  const person = (name: string, roles: string[], unitId: Types.ObjectId, adminOfUnitId: Types.ObjectId | null) => ({
    _id: new Types.ObjectId(),
    name,
    code: '',
    importKey: `bench:${name}`,
    title: '',
    roles,
    unitIds: [unitId],
    adminOfUnitId,
    active: true,
    createdAt: now,
    updatedAt: now,
  });
  const admin = person('管理员', ['admin'], countyId, countyId);
  const staff = units.map((unit, index) => ({
    leader: person(`领导${index}`, ['leader'], unit._id, null),
    officer: person(`信息员${index}`, ['officer'], unit._id, null),
  }));
  await PersonModel.collection.insertMany([admin, ...staff.flatMap(({ leader, officer }) => [leader, officer])]);
  return { countyId, units, staff };
}

/** A running account of a department, opened 400 days ago, as the registry stores it. */
export function benchAccount(input: {
  unitId: Types.ObjectId;
  staff: BenchStaff;
  platform: string;
  name: string;
  cadenceDays: number;
  now: Date;
}) {
  const { now } = input;
  return {
    _id: new Types.ObjectId(),
    unitId: input.unitId,
    platform: input.platform,
    name: input.name,
    purpose: '',
    scope: '',
    leaderInChargeId: input.staff.leader._id,
    backendAdminId: input.staff.officer._id,
    status: 'active',
    openingApproval: { approvedById: null, approvedAt: null, documentNumber: '' },
    openedAt: new Date(now.getTime() - 400 * dayMs),
    filingDueAt: null,
    filings: [],
    certification: { certified: true, expiresAt: null },
    interactionEnabled: true,
    cadenceDays: input.cadenceDays,
    closure: [],
    closedKey: '',
    revision: 0,
    createdAt: now,
    updatedAt: now,
  };
}
