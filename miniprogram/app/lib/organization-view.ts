/** Rows of the people, units and approval-route pages. */
import type { ApprovalRouteView, DelegationView, PersonView, UnitView } from '../../../src/shared/contracts';
import { formatDate, formatRoles, formatTime } from './format';

const unitKindNames: Record<UnitView['kind'], string> = {
  government: '政府',
  department: '部门',
  town: '乡镇（街道）',
  office: '办公室',
};

const names = (people: Array<{ name: string }>): string =>
  people.map((person) => person.name || '（已离职）').join('、');

export function toPersonRow(person: PersonView) {
  return {
    id: person.id,
    name: person.name,
    code: person.code,
    title: person.title,
    active: person.active,
    roleText: formatRoles(person.roles) || '无角色',
    unitText: person.units.map((unit) => unit.name).join('、'),
    bindingText: person.bindings.length
      ? person.bindings
          .map((binding) => `${binding.kind === 'chat' ? '聊天' : '小程序'}（${formatDate(binding.boundAt)}）`)
          .join('、')
      : '未绑定',
    bound: person.bindings.length > 0,
    manageable: person.manageable,
  };
}

export type PersonRow = ReturnType<typeof toPersonRow>;

/** Units in tree order (each after its parent), indented by depth. */
export function toUnitRows(units: UnitView[]) {
  const byParent = new Map<string | null, UnitView[]>();
  const known = new Set(units.map((unit) => unit.id));
  for (const unit of units) {
    // A unit whose parent is outside the admin's scope is shown as a root.
    const parent = unit.parentId && known.has(unit.parentId) ? unit.parentId : null;
    byParent.set(parent, [...(byParent.get(parent) ?? []), unit]);
  }
  const rows: Array<{ id: string; name: string; kindText: string; leaderText: string; depth: number }> = [];
  const visit = (parent: string | null, depth: number) => {
    for (const unit of byParent.get(parent) ?? []) {
      rows.push({
        id: unit.id,
        name: unit.name,
        kindText: unitKindNames[unit.kind],
        leaderText: unit.mainLeader ? `主要负责人 ${unit.mainLeader.name}` : '未设主要负责人',
        depth: Math.min(depth, 4),
      });
      visit(unit.id, depth + 1);
    }
  };
  visit(null, 0);
  return rows;
}

export type UnitRow = ReturnType<typeof toUnitRows>[number];

export function toRouteRow(route: ApprovalRouteView) {
  return {
    id: route.id,
    unitName: route.unit.name,
    scopeText: route.accountId ? '指定账号' : '本单位全部账号',
    steps: route.steps.map((step, index) => ({
      key: `${route.id}-${index}`,
      title: `第 ${index + 1} 步 · ${step.mode === 'all' ? '会签' : '或签'}`,
      approvers: names(step.approvers),
      backups: names(step.backupApprovers),
    })),
    ccText: names(route.cc),
    updatedText: formatTime(route.updatedAt),
  };
}

export type RouteRow = ReturnType<typeof toRouteRow>;

export function toDelegationRow(delegation: DelegationView, now: number) {
  const ended = delegation.cancelledAt !== null || Date.parse(delegation.until) < now;
  return {
    id: delegation.id,
    text: `${delegation.person.name} 请假期间由 ${delegation.delegate.name} 代审`,
    period: `${formatTime(delegation.from)} 至 ${formatTime(delegation.until)}`,
    stateText: delegation.cancelledAt
      ? `已于 ${formatTime(delegation.cancelledAt)} 结束`
      : ended
        ? '已到期'
        : Date.parse(delegation.from) > now
          ? '待生效'
          : '生效中',
    active: !ended,
  };
}

export type DelegationRow = ReturnType<typeof toDelegationRow>;
