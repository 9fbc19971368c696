/**
 * /api/v1/inquiries (R8): the list, one inquiry, the monthly figures, and the officers' steps — the same
 * InquiryService calls as the chat commands. An inquiry outside the viewer's scope is "not found"; a
 * step on one they see but do not answer is refused by the service (INQUIRY_NOT_YOURS).
 */
import { defineRoute } from '../shared/route-kit';
import type { ApiContext, ApiRoute } from '../shared/route-kit';
import { NotFoundError } from '../shared/errors';
import {
  inquiryAnswerDecisionRequestSchema,
  inquiryAnswerRequestSchema,
  inquiryAnswerResultSchema,
  inquiryConfirmRequestSchema,
  inquiryDetailSchema,
  inquiryExtendRequestSchema,
  inquiryExtendResultSchema,
  inquiryFiguresQuerySchema,
  inquiryFiguresReportSchema,
  inquiryIdParamsSchema,
  inquiryImportRequestSchema,
  inquiryImportResultSchema,
  inquiryInvalidRequestSchema,
  inquiryKindRequestSchema,
  inquiryListQuerySchema,
  inquiryListSchema,
  inquiryRegistrationSchema,
  inquiryTransferRequestSchema,
} from '../shared/contracts/inquiries';
import type { InquiryService } from './inquiry-service';
import type { InquiryViews } from './inquiry-views';
import type { Inquiry } from './inquiry-model';
import type { z } from 'zod';

export interface InquiryRouteDependencies {
  inquiries: Pick<
    InquiryService,
    | 'register'
    | 'importFile'
    | 'answer'
    | 'decideAnswer'
    | 'confirmAnswered'
    | 'extend'
    | 'setKind'
    | 'markInvalid'
    | 'transfer'
  >;
  views: InquiryViews;
  /** A unit's name by its id ('' when unknown), for a transfer by id. */
  unitName(unitId: string): Promise<string>;
}

export function inquiryRoutes(dependencies: InquiryRouteDependencies): ApiRoute[] {
  const { inquiries, views } = dependencies;
  const actorOf = (ctx: ApiContext) => ({ personId: ctx.state.viewer.id, via: 'api' });
  /** Seen by the viewer first: a step on an inquiry outside their scope is 404, as for a missing one. */
  const visibleId = async (ctx: ApiContext, reference: string) =>
    String((await views.findVisible(ctx.state.viewer, reference))._id);
  /** POST /inquiries/{id}/<path>: one of the officers' steps, answered with the inquiry after it. */
  const step = <Body extends z.ZodType>(
    path: string,
    summary: string,
    body: Body,
    run: (actor: { personId: string; via: string }, id: string, input: z.output<Body>) => Promise<Inquiry>,
  ) =>
    defineRoute({
      method: 'post',
      path: `/inquiries/{id}/${path}`,
      summary,
      tag: 'inquiries',
      access: 'signed-in',
      params: inquiryIdParamsSchema,
      body,
      response: inquiryDetailSchema,
      errorStatuses: [403, 409],
      handle: async (ctx, { params, body: input }) => {
        const after = await run(actorOf(ctx), await visibleId(ctx, params.id), input);
        return { body: await views.detailOf(ctx.state.viewer, after) };
      },
    });
  return [
    defineRoute({
      method: 'get',
      path: '/inquiries',
      summary: '留言列表（可见范围内），按受理时间倒序；可按状态、是否逾期、账号、办理单位、月份筛选',
      tag: 'inquiries',
      access: 'signed-in',
      query: inquiryListQuerySchema,
      response: inquiryListSchema,
      links: [{ to: 'get /inquiries/{id}', parameters: { id: '$response.body#/items/0/id' } }],
      handle: async (ctx, { query }) => ({ body: await views.list(ctx.state.viewer, query) }),
    }),
    defineRoute({
      method: 'get',
      path: '/inquiries/figures',
      summary: '留言统计：按账号或办理单位，某月的留言数、有效留言数、答复率、按期答复率、答复用时（工作小时）',
      tag: 'inquiries',
      access: 'signed-in',
      query: inquiryFiguresQuerySchema,
      response: inquiryFiguresReportSchema,
      handle: async (ctx, { query }) => ({ body: await views.figures(ctx.state.viewer, query.month, query.groupBy) }),
    }),
    defineRoute({
      method: 'get',
      path: '/inquiries/{id}',
      summary: '留言详情：往来消息、延期记录、承诺期限与办理经过',
      tag: 'inquiries',
      access: 'signed-in',
      params: inquiryIdParamsSchema,
      response: inquiryDetailSchema,
      handle: async (ctx, { params }) => ({ body: await views.detail(ctx.state.viewer, params.id) }),
    }),
    defineRoute({
      method: 'post',
      path: '/inquiries',
      summary: '手工登记留言（微博私信、头条、电话等），账号按 ID 或备案名称，按类型计算答复期限',
      tag: 'inquiries',
      access: 'signed-in',
      body: inquiryRegistrationSchema,
      response: inquiryDetailSchema,
      successStatus: 201,
      errorStatuses: [403],
      handle: async (ctx, { body }) => {
        const inquiry = await inquiries.register(actorOf(ctx), {
          ...body,
          receivedAt: body.receivedAt ? new Date(body.receivedAt) : undefined,
        });
        return { status: 201, body: await views.detailOf(ctx.state.viewer, inquiry) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/inquiries/import',
      summary: '导入其他平台导出的留言（CSV：留言时间、留言内容，可选留言人、类型）；同一文件重复导入不会重复登记',
      tag: 'inquiries',
      access: 'signed-in',
      body: inquiryImportRequestSchema,
      response: inquiryImportResultSchema,
      errorStatuses: [403],
      handle: async (ctx, { body }) => ({
        body: await inquiries.importFile(actorOf(ctx), body.accountId, body.content),
      }),
    }),
    defineRoute({
      method: 'post',
      path: '/inquiries/{id}/answer',
      summary: '答复留言：回复窗口内经平台客服消息发出，其他平台记为已答复，否则提示到平台后台答复后确认',
      tag: 'inquiries',
      access: 'signed-in',
      params: inquiryIdParamsSchema,
      body: inquiryAnswerRequestSchema,
      response: inquiryAnswerResultSchema,
      errorStatuses: [403, 409],
      handle: async (ctx, { params, body }) => {
        const outcome = await inquiries.answer(actorOf(ctx), await visibleId(ctx, params.id), body.text);
        return {
          body: {
            outcome: outcome.kind,
            why: outcome.kind === 'back-office' ? outcome.why : ('' as const),
            inquiry: await views.detailOf(ctx.state.viewer, outcome.inquiry),
          },
        };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/inquiries/{id}/extend',
      summary: '延期答复：写明理由与新的承诺答复期限（受理后最长15个工作日）',
      tag: 'inquiries',
      access: 'signed-in',
      params: inquiryIdParamsSchema,
      body: inquiryExtendRequestSchema,
      response: inquiryExtendResultSchema,
      errorStatuses: [403, 409],
      handle: async (ctx, { params, body }) => {
        const result = await inquiries.extend(actorOf(ctx), await visibleId(ctx, params.id), body);
        return {
          body: { citizenTold: result.citizenTold, inquiry: await views.detailOf(ctx.state.viewer, result.inquiry) },
        };
      },
    }),
    // The steps that answer with the inquiry as it is after them.
    step(
      'answer-decision',
      '审核待发的答复（单位要求答复须经审核时）：同意（可带所审内容的哈希）或驳回（须写理由），仅当前步骤的审核人',
      inquiryAnswerDecisionRequestSchema,
      async (actor, id, body) => {
        const decided = await inquiries.decideAnswer(
          actor,
          id,
          body.decision === 'approve'
            ? { kind: 'approve', contentHash: body.contentHash }
            : { kind: 'reject', reason: body.reason },
        );
        return decided.kind === 'approved' ? decided.delivered.inquiry : decided.inquiry;
      },
    ),
    step('confirm', '确认已在平台后台答复（可附说明）', inquiryConfirmRequestSchema, (actor, id, body) =>
      inquiries.confirmAnswered(actor, id, body.note),
    ),
    step(
      'kind',
      '设置留言类型（咨询、建议、投诉、其他），答复期限随之调整（已延期的除外）',
      inquiryKindRequestSchema,
      (actor, id, body) => inquiries.setKind(actor, id, body.kind),
    ),
    step(
      'invalid',
      '标记为无效留言（垃圾信息或重复留言），不计入有效留言数',
      inquiryInvalidRequestSchema,
      (actor, id, body) => inquiries.markInvalid(actor, id, body.reason),
    ),
    step(
      'transfer',
      '转办给其他单位（按单位 ID 或全称），承诺答复期限不变',
      inquiryTransferRequestSchema,
      async (actor, id, body) => {
        // The service finds the unit by its full name; an id is turned into that name (an unknown id: UNIT_NOT_FOUND).
        const unitName = body.unitId ? await dependencies.unitName(body.unitId) : (body.unitName ?? '');
        if (!unitName) throw new NotFoundError('UNIT_NOT_FOUND', '找不到转办的单位，请核对');
        return (await inquiries.transfer(actor, id, unitName)).inquiry;
      },
    ),
  ];
}
