/**
 * The people feature's test wiring: a PeopleService on a controlled clock and an audit trail, the sample
 * organization imported, and its people found by name.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Types } from 'mongoose';
import { ManualClock } from '../../src/shared/clock';
import { AuditTrail } from '../../src/audit/audit-service';
import { PeopleService } from '../../src/people/people-service';
import type { AccountDirectory } from '../../src/people/people-service';
import { PersonModel } from '../../src/people/person-model';
import { UnitModel } from '../../src/people/unit-model';

export const sampleOrganizationFile = path.resolve(__dirname, '..', '..', 'docs', 'sample-organization.json');
export const sampleOrganizationCsvFile = path.resolve(__dirname, '..', '..', 'docs', 'sample-organization.csv');

export function createPeopleService(options: { clock?: ManualClock; accounts?: AccountDirectory } = {}) {
  const clock = options.clock ?? new ManualClock('2026-11-26T01:00:00Z');
  const audit = new AuditTrail({ clock });
  const people = new PeopleService({ clock, audit, accounts: options.accounts });
  return { clock, audit, people };
}

export async function importSampleOrganization(people: PeopleService) {
  return people.importOrganization(fs.readFileSync(sampleOrganizationFile, 'utf8'), 'json', { byId: null });
}

/** The id of the one person with this name (and code, when the name is shared). */
export async function personId(name: string, code?: string): Promise<string> {
  const found = await PersonModel.find(code ? { name, code } : { name }).lean();
  if (found.length !== 1) throw new Error(`expected one person named ${name}, found ${found.length}`);
  return String(found[0]._id);
}

/** The id of the unit at this path ("某县人民政府/县教育局"). */
export async function unitId(unitPath: string): Promise<string> {
  let parentId: Types.ObjectId | null = null;
  for (const name of unitPath.split('/')) {
    const unit: { _id: Types.ObjectId } | null = await UnitModel.findOne({ parentId, name }, { _id: 1 }).lean();
    if (!unit) throw new Error(`no unit ${name} under ${String(parentId)}`);
    parentId = unit._id;
  }
  return String(parentId);
}

/** Makes the person (by id) an admin of the unit at this path as well, as an import with adminOf would. */
export async function makeAdmin(id: string, unitPath: string): Promise<void> {
  await PersonModel.updateOne(
    { _id: id },
    { $addToSet: { roles: 'admin' }, $set: { adminOfUnitId: new Types.ObjectId(await unitId(unitPath)) } },
  );
}
