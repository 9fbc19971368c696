/**
 * The inquiry commands in chat (R8): each runs the inquiries service and answers what happened and what
 * comes next, in Chinese; refusals are the service's own errors.
 */
import type { InquiryService } from '../src/inquiries/inquiry-service';
import type { WaitingInquiry } from '../src/inquiries/inquiry-reminders';
import { answerDueAtOf, excerpt, inquiryKindWords, promiseDateWords } from '../src/inquiries/inquiry-rules';
import { civilDate } from '../src/shared/wall-clock';
import type { Clock } from '../src/shared/clock';
import { resolvePromiseDate } from './inquiry-command-parser';
import type { InquiryCommand } from './inquiry-command-parser';

export interface InquiryChatDependencies {
  inquiries: Pick<
    InquiryService,
    | 'register'
    | 'answer'
    | 'decideAnswer'
    | 'confirmAnswered'
    | 'extend'
    | 'transfer'
    | 'setKind'
    | 'markInvalid'
    | 'waitingFor'
  >;
  clock: Clock;
  timeZone: string;
  maskPersonalData(text: string): string;
}

export class InquiryChatCommands {
  constructor(private readonly dependencies: InquiryChatDependencies) {}

  async run(command: InquiryCommand, actor: { personId: string; via: string }): Promise<string> {
    const { inquiries } = this.dependencies;
    switch (command.kind) {
      case 'inquiry-register': {
        const inquiry = await inquiries.register(actor, { accountName: command.accountName, text: command.text });
        return (
          `已登记留言 #${inquiry.code}（${inquiryKindWords[inquiry.kind]}），请于${promiseDateWords(inquiry.answerDueOn)}前答复。\n` +
          `类型不对可回复“类型 ${inquiry.code} 投诉”等（期限随之调整）；答复后回复“已答复 ${inquiry.code} [说明]”。`
        );
      }
      case 'inquiry-answer': {
        const outcome = await inquiries.answer(actor, command.code, command.text);
        switch (outcome.kind) {
          case 'sent':
            return `已通过公众号客服消息答复留言 #${outcome.inquiry.code}，已记入台账。`;
          case 'recorded':
            return `已登记留言 #${outcome.inquiry.code} 的答复。该留言来自其他平台，请确认已在平台上回复留言人。`;
          case 'back-office': {
            const why =
              outcome.why === 'quota-used'
                ? '留言人上次留言后可发送的客服消息条数已用完'
                : '平台的 48 小时回复窗口已关闭（留言人 48 小时内没有再发消息）';
            return `${why}，答复无法经接口送达。请在公众号后台答复，然后回复“已答复 ${outcome.inquiry.code} [说明]”登记。`;
          }
          case 'awaiting-approval': {
            const step = outcome.steps > 1 ? `（第${outcome.step}/${outcome.steps}步）` : '';
            return `本单位的答复须经审核：留言 #${outcome.inquiry.code} 的答复已送${outcome.approverNames.join('、')}审核${step}，同意后发出。修改答复请重新发送“答复 ${outcome.inquiry.code} 内容”（须重新审核）。`;
          }
        }
        break;
      }
      case 'inquiry-answer-decision': {
        const decided = await inquiries.decideAnswer(
          actor,
          command.code,
          command.approve ? { kind: 'approve' } : { kind: 'reject', reason: command.reason },
        );
        switch (decided.kind) {
          case 'rejected':
            return `已驳回留言 #${decided.inquiry.code} 的答复，已告知答复人。`;
          case 'waiting':
            return `已记录您对留言 #${decided.inquiry.code} 答复的同意，等待${decided.approverNames.join('、')}审核。`;
          case 'approved': {
            const code = decided.delivered.inquiry.code;
            return decided.delivered.kind === 'sent'
              ? `已同意：留言 #${code} 的答复已通过公众号客服消息发给留言人。`
              : `已同意留言 #${code} 的答复，已通知答复人${decided.delivered.kind === 'recorded' ? '' : '到公众号后台发出'}。`;
          }
        }
        break;
      }
      case 'inquiry-confirm': {
        const inquiry = await inquiries.confirmAnswered(actor, command.code, command.note);
        const late =
          inquiry.answeredAt &&
          inquiry.answeredAt.getTime() >= answerDueAtOf(inquiry.answerDueOn, this.dependencies.timeZone).getTime();
        return `已登记：留言 #${inquiry.code} 已在平台后台答复${late ? '（已超过承诺期限）' : ''}。`;
      }
      case 'inquiry-extend': {
        const today = civilDate(this.dependencies.clock.now(), this.dependencies.timeZone);
        const { inquiry, citizenTold } = await inquiries.extend(actor, command.code, {
          dueOn: resolvePromiseDate(command.dueOn, today),
          reason: command.reason,
        });
        return (
          `已延期：留言 #${inquiry.code} 的答复期限改为${promiseDateWords(inquiry.answerDueOn)}，理由已记入台账。` +
          (citizenTold ? '已通过公众号告知留言人。' : '请告知留言人新的答复期限（平台接口无法送达时请在后台回复）。')
        );
      }
      case 'inquiry-transfer': {
        const { inquiry, unitName } = await inquiries.transfer(actor, command.code, command.unitName);
        return `已转办：留言 #${inquiry.code} 交由${unitName}办理，答复期限仍为${promiseDateWords(inquiry.answerDueOn)}。`;
      }
      case 'inquiry-kind': {
        const inquiry = await inquiries.setKind(actor, command.code, command.inquiryKind);
        return `已将留言 #${inquiry.code} 设为${inquiryKindWords[inquiry.kind]}，答复期限为${promiseDateWords(inquiry.answerDueOn)}。`;
      }
      case 'inquiry-invalid': {
        const inquiry = await inquiries.markInvalid(actor, command.code, command.reason);
        const how = command.reason === 'duplicate' ? '重复留言' : '无效留言';
        return `已将留言 #${inquiry.code} 标记为${how}，不计入有效留言数，也不再提醒。`;
      }
      case 'inquiry-list':
        return this.describeWaiting(await inquiries.waitingFor(actor));
    }
  }

  private describeWaiting(waiting: WaitingInquiry[]): string {
    if (waiting.length === 0) return '目前没有待您单位答复的留言。';
    const today = civilDate(this.dependencies.clock.now(), this.dependencies.timeZone);
    const lines = waiting.slice(0, 20).map((inquiry) => {
      const overdue = inquiry.answerDueOn < today ? '【已逾期】' : '';
      return `${overdue}#${inquiry.code} ${inquiryKindWords[inquiry.kind]} 期限${promiseDateWords(inquiry.answerDueOn)}：${excerpt(inquiry.excerpt, 30)}`;
    });
    const more = waiting.length > 20 ? [`……另有 ${waiting.length - 20} 条，详见小程序“留言”页。`] : [];
    return [`待答复的留言 ${waiting.length} 条：`, ...lines, ...more, '回复“答复 编号 内容”答复。'].join('\n');
  }
}
