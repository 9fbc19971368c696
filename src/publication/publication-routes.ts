/**
 * POST /api/v1/drafts/{reference}/publish: the mini-program's 发布 — the same service as the chat's,
 * within what the viewer may see of drafts (a draft out of their scope is not found); only the submitter
 * or an admin of the draft's unit may publish.
 */
import { defineRoute } from '../shared/route-kit';
import type { ApiRoute } from '../shared/route-kit';
import type { Viewer } from '../people/viewer-scope';
import { draftReferenceParamsSchema } from '../shared/contracts/drafts';
import { publicationStartedSchema } from '../shared/contracts/publications';
import type { PublicationView } from '../shared/contracts/publications';
import type { Publication } from './publication-model';
import type { PublicationService } from './publication-service';
import { publicationStateWords } from './publication-messages';

export interface PublicationRouteDependencies {
  publications: Pick<PublicationService, 'publish'>;
  /** The draft by id or code, if the viewer may see it (DRAFT_NOT_FOUND otherwise). */
  findVisibleDraft(viewer: Viewer, reference: string): Promise<{ code: string }>;
}

export function publicationRoutes(dependencies: PublicationRouteDependencies): ApiRoute[] {
  return [
    defineRoute({
      method: 'post',
      path: '/drafts/{reference}/publish',
      summary: '发布审核通过的稿件到已接入的公众号（按审核通过的版本生成文章），发布结果和核验结果随后通知',
      tag: 'drafts',
      access: 'signed-in',
      params: draftReferenceParamsSchema,
      response: publicationStartedSchema,
      successStatus: 201,
      errorStatuses: [403, 409, 502],
      handle: async (ctx, { params }) => {
        const { viewer } = ctx.state;
        const draft = await dependencies.findVisibleDraft(viewer, params.reference);
        const started = await dependencies.publications.publish({ personId: viewer.id, via: 'api' }, draft.code);
        return { status: 201, body: { publication: toPublicationView(started.publication), message: started.message } };
      },
    }),
  ];
}

export function toPublicationView(publication: Publication): PublicationView {
  return {
    id: String(publication._id),
    draftId: String(publication.draftId),
    code: publication.draftCode,
    accountId: String(publication.accountId),
    state: publication.state,
    stateText: publicationStateWords[publication.state],
    versionNumber: publication.versionNumber,
    contentHash: publication.contentHash,
    mediaId: publication.mediaId,
    publishId: publication.publishId,
    articleUrl: publication.articleUrl,
    failure: publication.failure
      ? {
          publishStatus: publication.failure.publishStatus,
          code: publication.failure.code,
          message: publication.failure.message,
        }
      : null,
    verification: publication.verification
      ? {
          checkedAt: publication.verification.checkedAt.toISOString(),
          placeCount: publication.verification.placeCount,
          summary: publication.verification.summary,
          deleted: publication.verification.deleted,
        }
      : null,
    createdAt: publication.createdAt.toISOString(),
  };
}
