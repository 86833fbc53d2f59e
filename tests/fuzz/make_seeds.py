#!/usr/bin/python3
"""Writes the seed corpus for the fuzz targets from proto/pcn.proto: one
file per interesting request stream. Run from the repository root:
  protoc -Iproto --python_out=/tmp/g proto/pcn.proto
  PYTHONPATH=/tmp/g /usr/bin/python3 tests/fuzz/make_seeds.py
(Debian's python3-protobuf; a pyenv python3 will not see it.)
fuzz_dispatch inputs start with one byte choosing who is logged in
(0 nobody, 1 the PCN manager, 2 a practice manager); fuzz_frame inputs
start with one byte choosing the chunk size."""
import os
import struct
import pcn_pb2 as pb


def frame(i, **kw):
    b = pb.Frame(id=i, request=pb.Request(**kw)).SerializeToString()
    return struct.pack(">I", len(b)) + b


streams = {
    "hello": [dict(hello=pb.Hello(protocol_version=1, client_name="seed"))],
    "whoami": [dict(whoami=pb.WhoAmI())],
    "practice": [dict(practice_add=pb.PracticeAdd(ods="F84001", name="Riverside", list_size=12000)),
                 dict(practice_list=pb.PracticeList()),
                 dict(practice_get=pb.PracticeGet(ods="f84001")),
                 dict(practice_update=pb.PracticeUpdate(ods="F84001", version=1, name="R2"))],
    "tasks": [dict(task_create=pb.TaskCreate(title="Flu rota", due="2026-12-01")),
              dict(task_create=pb.TaskCreate(title="Practice job", practice="F84001")),
              dict(task_list=pb.TaskList(limit=5)),
              dict(task_get=pb.TaskGet(id=1)),
              dict(task_update=pb.TaskUpdate(id=1, version=1, title="New")),
              dict(task_assign=pb.TaskAssign(id=1, assignee="manager")),
              dict(task_comment=pb.TaskComment(id=1, text="done\nok")),
              dict(task_close=pb.TaskClose(id=1)),
              dict(task_reopen=pb.TaskReopen(id=1))],
    "tasks_recurring": [dict(task_create=pb.TaskCreate(title="Monthly figures", due="2026-12-31",
                                                       every=pb.TASK_MONTHLY)),
                        dict(task_update=pb.TaskUpdate(id=1, version=1, every=pb.TASK_REPEAT_NONE)),
                        dict(task_close=pb.TaskClose(id=1)),
                        dict(task_list=pb.TaskList(overdue=True, limit=2))],
    "members": [dict(member_invite=pb.MemberInvite(username="jo", display_name="Jo", role=pb.PRACTICE_MANAGER, practice="F84001")),
                dict(member_list=pb.MemberList()),
                dict(member_get=pb.MemberGet(username="manager")),
                dict(member_set_role=pb.MemberSetRole(username="jo", role=pb.STAFF, practice="F84001")),
                dict(member_disable=pb.MemberDisable(username="jo")),
                dict(member_enable=pb.MemberEnable(username="jo"))],
    "feed": [dict(subscribe=pb.Subscribe(since_seq=0)), dict(ping=pb.Ping()),
             dict(unsubscribe=pb.Unsubscribe())],
    # Issue 6's areas, with the clock moved so that their ticks run on what
    # the stream wrote (the fuzz server runs with --test-clock).
    "settings": [dict(settings_get=pb.SettingsGet()),
                 dict(settings_update=pb.SettingsUpdate(min_notice_days=5, set_reminder_days=True, reminder_days=[4, 2])),
                 dict(holiday_add=pb.HolidayAdd(date="2030-06-04")),
                 dict(holiday_remove=pb.HolidayRemove(date="2030-12-25"))],
    "asks": [dict(ask_create=pb.AskCreate(title="Figures", body="By then", due="2030-03-01", all_practices=True)),
             dict(ask_create=pb.AskCreate(title="Soon", due="2030-01-02", practices=["F84001"], urgent=True, urgent_reason="ICB")),
             dict(ask_list=pb.AskList(limit=5)), dict(ask_get=pb.AskGet(id=1)),
             dict(ask_reply=pb.AskReply(ask_id=1, practice="F84001", state=2, note="sent", link="https://x.org/a")),
             dict(ask_load=pb.AskLoad()),
             dict(ask_series_create=pb.AskSeriesCreate(title="ARRS claim", all_practices=True, repeat=1, day=10)),
             dict(clock_advance=pb.ClockAdvance(ms=40 * 86400000)),
             dict(ask_series_list=pb.AskSeriesList(include_stopped=True)),
             dict(ask_series_stop=pb.AskSeriesStop(id=1)), dict(ask_close=pb.AskClose(id=1))],
    "news": [dict(news_post=pb.NewsPost(title="Rota", body="Read it", pinned=True, expires="2030-01-01")),
             dict(news_post=pb.NewsPost(title="Policy", body="v1", policy=True, practices=["F84001"])),
             dict(news_post=pb.NewsPost(title="Policy", body="v2", policy=True, version_of=2, version=1)),
             dict(news_list=pb.NewsList(include_expired=True)), dict(news_read=pb.NewsRead(id=2)),
             dict(news_confirm=pb.NewsConfirm(id=2, policy_version=2)),
             dict(news_receipts=pb.NewsReceipts(id=2, practice="F84001"))],
    "decisions": [dict(decision_propose=pb.DecisionPropose(title="Share a nurse", text="Yes?", rule=3, closes_at=1900000000000)),
                  dict(decision_voter_set=pb.DecisionVoterSet(practice="F84001", username="manager")),
                  dict(decision_vote=pb.DecisionVoteCast(id=1, choice=2, reason="no room", practice="F84001")),
                  dict(decision_remind=pb.DecisionRemind(id=1)),
                  dict(decision_list=pb.DecisionList()), dict(decision_get=pb.DecisionGet(id=1)),
                  dict(decision_voter_list=pb.DecisionVoterList()),
                  dict(clock_advance=pb.ClockAdvance(ms=3000 * 86400000)),
                  dict(decision_withdraw=pb.DecisionWithdraw(id=1, reason="moot"))],
    "duties": [dict(duty_list=pb.DutyList()),
               dict(duty_add=pb.DutyAdd(title="Flu clinics", owner=4, owner_does="Book", review_date="2030-03-31")),
               dict(duty_update=pb.DutyUpdate(id=1, version=1, owner_does="Books and runs")),
               dict(duty_agree=pb.DutyAgree(practice="F84001", all=True)),
               dict(clock_advance=pb.ClockAdvance(ms=2000 * 86400000)),
               dict(duty_remove=pb.DutyRemove(id=2))],
    "meetings": [dict(meeting_create=pb.MeetingCreate(title="Board", starts_at=1900000000000, ends_at=1900003600000, place="Room 2", invitees=["manager"])),
                 dict(meeting_agenda_add=pb.MeetingAgendaAdd(id=1, text="Estates")),
                 dict(meeting_list=pb.MeetingList(limit=5)), dict(meeting_get=pb.MeetingGet(id=1)),
                 dict(meeting_update=pb.MeetingUpdate(id=1, version=2, place="Room 3", set_invitees=True, invitees=["manager"])),
                 dict(clock_advance=pb.ClockAdvance(ms=2000 * 86400000)),
                 dict(meeting_attend=pb.MeetingAttend(id=1, usernames=["manager"], minutes=60)),
                 dict(meeting_minutes=pb.MeetingMinutes(id=1, text="Agreed")),
                 dict(meeting_action_add=pb.MeetingActionAdd(id=1, title="Lease", assignee="manager", due="2031-01-01"))],
    "auth": [dict(login=pb.Login(username="manager", password="wrong password")),
             dict(resume=pb.Resume(token="00" * 32)),
             dict(logout=pb.Logout())],
    # ARRS claims and headroom (funds_arrs.c).
    "arrs": [dict(funds_rate_set=pb.FundsRateSet(year=2030, stream="arrs", basis=2, rate_cp=261201)),
             dict(funds_arrs_claim=pb.FundsArrsClaim(month="2030-04", pence=1825000, reference="ARRS-04")),
             dict(funds_arrs_claim=pb.FundsArrsClaim(month="2030-13", pence=-1)),
             dict(clock_advance=pb.ClockAdvance(ms=1400 * 86400000)),
             dict(funds_headroom=pb.FundsHeadroom(year=2030)),
             dict(funds_headroom=pb.FundsHeadroom())],
    # Issue 20: ARRS claims reversed, several backfill claims decided at
    # once, staff terms from a day.
    "issue20_staff": [dict(funds_rate_set=pb.FundsRateSet(year=2030, stream="arrs", basis=2, rate_cp=261201)),
                      dict(clock_advance=pb.ClockAdvance(ms=1400 * 86400000)),
                      dict(funds_arrs_claim=pb.FundsArrsClaim(month="2030-04", pence=1825000, reference="ARRS-04")),
                      dict(funds_arrs_claim_reverse=pb.FundsArrsClaimReverse(month="2030-04", reason="sent twice")),
                      dict(funds_arrs_claim_reverse=pb.FundsArrsClaimReverse(month="2030-04", reason="again")),
                      dict(funds_claim_decide=pb.FundsClaimDecide(ids=[4, 5, 6], approve=True, stream="core")),
                      dict(funds_claim_decide=pb.FundsClaimDecide(ids=[4, 4], reason="twice")),
                      dict(staff_add=pb.StaffAdd(name="Sam", role="clinical pharmacist", practice="F84001", wte=100, annual_cost=4200000)),
                      dict(staff_update=pb.StaffUpdate(id=1, version=1, wte=80, annual_cost=4480000, **{"from": "2030-11-16"})),
                      dict(staff_update=pb.StaffUpdate(id=1, version=2, annual_cost=4600000, **{"from": "2030-02-30"})),
                      dict(funds_headroom=pb.FundsHeadroom(year=2030))],
    # Issue 7: the funding plan (funds_plan.c).
    "funds_plan": [dict(practice_add=pb.PracticeAdd(ods="F84001", name="Riverside", list_size=12000)),
                   dict(funds_figures_set=pb.FundsFiguresSet(practice="F84001", applies_from="2030-04-01", list_size=12000, weighted=13000, beds=40)),
                   dict(funds_rate_set=pb.FundsRateSet(year=2030, stream="core", basis=pb.FUNDS_PER_PATIENT, rate_cp=15023, note="ICB")),
                   dict(funds_rate_set=pb.FundsRateSet(year=2030, stream="cd", basis=pb.FUNDS_FIXED, rate_cp=680000000)),
                   dict(funds_rate_list=pb.FundsRateList(year=2030)),
                   dict(funds_receive=pb.FundsReceive(stream="core", pence=250000, date="2030-04-03")),
                   dict(funds_expected=pb.FundsExpected(year=2030, stream="core")),
                   dict(funds_budget_set=pb.FundsBudgetSet(year=2030, stream="core", pence=5000000)),
                   dict(funds_budget_report=pb.FundsBudgetReport(year=2030)),
                   dict(funds_statement=pb.FundsStatement(month="2030-04")),
                   dict(funds_budget_set=pb.FundsBudgetSet(year=2030, stream="core", pence=0))],
    # Issue 20: figures carried, duplicate expenses, rules, pass-through.
    "funds_rules": [dict(practice_add=pb.PracticeAdd(ods="F84001", name="Riverside", list_size=12000)),
                    dict(funds_figures_set=pb.FundsFiguresSet(practice="F84001", applies_from="2030-04-01", list_size=12000, weighted=13000, locality="North", beds=40)),
                    dict(funds_figures_set=pb.FundsFiguresSet(practice="F84001", applies_from="2030-07-01", list_size=12100, clear=["beds"])),
                    dict(funds_figures_set=pb.FundsFiguresSet(practice="F84001", applies_from="2030-08-01", clear=["name"])),
                    dict(funds_receive=pb.FundsReceive(stream="core", pence=250000, date="2030-04-03")),
                    dict(funds_expense=pb.FundsExpense(stream="core", pence=100, payee="Estates", reference="INV-7781")),
                    dict(funds_expense=pb.FundsExpense(stream="core", pence=100, payee="Estates", reference="inv-7781")),
                    dict(funds_expense=pb.FundsExpense(stream="core", pence=100, payee="Estates", reference="INV-7781", duplicate_ok=True)),
                    dict(funds_rule_set=pb.FundsRuleSet(stream="core", split=pb.FUNDS_SPLIT_LIST_SIZE, top_slice_bp=1250)),
                    dict(funds_rule_set=pb.FundsRuleSet(stream="core", split=pb.FUNDS_SPLIT_BEDS, top_slice_pence=20000)),
                    dict(funds_rule_set=pb.FundsRuleSet(stream="core", split=pb.FUNDS_SPLIT_FIXED, top_slice_bp=10000)),
                    dict(funds_distribute=pb.FundsDistribute(stream="core", pence=100001)),
                    dict(funds_distribute=pb.FundsDistribute(stream="core", pence=1000, split=pb.FUNDS_SPLIT_BEDS, preview=True)),
                    dict(funds_stream_update=pb.FundsStreamUpdate(code="arrs", pass_through=False)),
                    dict(funds_stream_update=pb.FundsStreamUpdate(code="iif", name="")),
                    dict(funds_stream_add=pb.FundsStreamAdd(code="flu", name="Flu", pass_through=True)),
                    dict(funds_stream_list=pb.FundsStreamList()),
                    dict(funds_year_end=pb.FundsYearEnd(year=2030, include_pass_through=True)),
                    dict(funds_year_end=pb.FundsYearEnd(year=2030)),
                    dict(staff_equity=pb.StaffEquity(**{"from": "2030-04-01", "to": "2030-06-30", "include_pass_through": True}))],
    "claims": [dict(funds_backfill_rate_set=pb.FundsBackfillRateSet(role="gp", pence_per_hour=11000)),
               dict(funds_backfill_rate_list=pb.FundsBackfillRateList()),
               dict(meeting_create=pb.MeetingCreate(title="Board", starts_at=1600000000000, ends_at=1600003600000, invitees=["manager"])),
               dict(meeting_attend=pb.MeetingAttend(id=1, usernames=["manager"], minutes=60)),
               dict(funds_claim_create=pb.FundsClaimCreate(meeting_id=1, username="manager", role="gp")),
               dict(funds_receive=pb.FundsReceive(stream="core", pence=100000, date="2027-04-02")),
               dict(funds_claim_decide=pb.FundsClaimDecide(id=1, version=1, approve=True, stream="core", date="2027-05-01")),
               dict(funds_claim_decide=pb.FundsClaimDecide(id=1, reason="wrong")),
               dict(funds_claim_list=pb.FundsClaimList(practice="F84001", pending_only=True)),
               dict(funds_year_end=pb.FundsYearEnd(year=2027, basis=2))],
}

root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")
for name, reqs in streams.items():
    data = b"".join(frame(i + 1, **r) for i, r in enumerate(reqs))
    for who in (0, 1, 2):
        with open(os.path.join(root, "fuzz_dispatch", "%s-%d" % (name, who)), "wb") as f:
            f.write(bytes([who]) + data)
    with open(os.path.join(root, "fuzz_frame", name), "wb") as f:
        f.write(bytes([3]) + data)
for name, data in {"zero": b"\0\0\0\0", "huge": b"\xff\xff\xff\xff", "junk": b"\0\0\0\x03\xff\xff\xff",
                   "future": b"\0\0\0\x07\x08\x0e\x12\x03\x98\x06\x01"}.items():
    for d in ("fuzz_dispatch", "fuzz_frame"):
        with open(os.path.join(root, d, "edge-" + name), "wb") as f:
            f.write(bytes([1]) + data)
