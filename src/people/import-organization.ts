/**
 * An admin's import of the organization file, the same from the API and `npm run admin -- import`: the
 * people feature imports it; the people it marks as no longer in post (在职 = 否) lose their API
 * sessions and hand their pending approvals on (the admins are told, as after an unbind); the people in
 * post it takes the admin role from lose their API sessions. Sessions and drafts are other features':
 * they come in as ports, so the composition root builds this after both and people depends on neither.
 */
import type { ImportSummary } from './organization-import';
import type { OrganizationFileFormat } from './organization-import-rules';
import type { AdminActionOptions } from './people-records';
import type { PeopleService } from './people-service';
import type { LeaverHandover } from './unbind-person';

export interface OrganizationFileImportDependencies {
  people: Pick<PeopleService, 'importOrganizationFile'>;
  sessions: { endSessionsOf(personIds: string[], reason: 'left' | 'admin-removed'): Promise<unknown> };
  handOver: LeaverHandover;
}

export class OrganizationFileImport {
  constructor(private readonly dependencies: OrganizationFileImportDependencies) {}

  async importOrganization(
    content: string,
    format: OrganizationFileFormat,
    options: AdminActionOptions,
  ): Promise<ImportSummary> {
    const { people, sessions, handOver } = this.dependencies;
    const { summary, leftIds, adminRemovedIds } = await people.importOrganizationFile(content, format, options);
    await sessions.endSessionsOf(leftIds, 'left');
    const actor = { byId: options.byId ?? null, via: options.via ?? '' };
    for (const personId of leftIds) await handOver(personId, actor, '标为不在职');
    await sessions.endSessionsOf(adminRemovedIds, 'admin-removed');
    return summary;
  }
}
