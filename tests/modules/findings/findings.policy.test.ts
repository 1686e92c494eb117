import { describe, expect, it } from 'vitest';
import type { Actor } from '../../../src/access/actor.js';
import { findingsPolicy } from '../../../src/modules/findings/index.js';
import type { CheckRow } from '../../../src/modules/inspections/index.js';

type Role = Actor['role'];

const actor = (role: Role, userId = 7): Actor => ({ userId, name: 'x', role, areaId: null, scope: { all: true }, ip: '127.0.0.1' });
const report = (status: CheckRow['status'], inspectorId = 7) => ({ status, inspectorId }) as CheckRow;

describe('findings policy', () => {
  it('lets a report’s inspector add a finding to it once submitted, and only a head once it is approved', () => {
    expect(findingsPolicy.canAddFinding(actor('inspector'), report('submitted'))).toBe(true);
    expect(findingsPolicy.addFindingRefusal(actor('inspector'), report('draft'))).toBe('findings.reportNotSubmitted');
    expect(findingsPolicy.addFindingRefusal(actor('inspector', 8), report('submitted'))).toBe('findings.notYourReport');
    expect(findingsPolicy.addFindingRefusal(actor('inspector'), report('approved'))).toBe('findings.approvedHeadsOnly');
    expect(findingsPolicy.canAddFinding(actor('department_head', 8), report('approved'))).toBe(true);
    expect(findingsPolicy.canAddFinding(actor('auditor', 8), report('approved'))).toBe(false);
  });

  it('lets heads refer an open critical finding and set the severity of an open one', () => {
    const critical = { severity: 'critical' as const, status: 'open' as const, referredOn: null };
    expect(findingsPolicy.canRefer(actor('department_head'), critical)).toBe(true);
    expect(findingsPolicy.canRefer(actor('department_head'), { ...critical, status: 'closed' })).toBe(false);
    expect(findingsPolicy.canRefer(actor('department_head'), { ...critical, severity: 'high' })).toBe(false);
    expect(findingsPolicy.canRefer(actor('inspector'), critical)).toBe(false);
    expect(findingsPolicy.awaitsReferral(critical)).toBe(true);
    expect(findingsPolicy.canChangeSeverity(actor('department_head'), { status: 'closed' })).toBe(false);
  });

  it('lets the person a follow-up is assigned to move it, and only heads verify it', () => {
    const followUp = { status: 'open' as const, responsibleUserId: 7 };
    expect(findingsPolicy.nextStatuses(actor('inspector'), followUp)).toEqual(['in_progress', 'done']);
    expect(findingsPolicy.nextStatuses(actor('inspector', 8), followUp)).toEqual([]);
    expect(findingsPolicy.canVerifyFollowUp(actor('inspector'), followUp)).toBe(false);
    expect(findingsPolicy.canVerifyFollowUp(actor('department_head', 8), followUp)).toBe(true);
    expect(findingsPolicy.canWorkFollowUp(actor('department_head', 8), { ...followUp, status: 'verified' })).toBe(false);
    expect(findingsPolicy.canComment(actor('auditor'))).toBe(false);
  });
});
