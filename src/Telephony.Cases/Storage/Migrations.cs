namespace Telephony.Cases.Storage;

/// <summary>One schema step. Applied once, in version order, inside a transaction, and recorded in <c>schema_migrations</c>.</summary>
public sealed record Migration(int Version, string Name, Func<SqlDialect, string> Sql);

/// <summary>
/// The schema history. Never edit a released step: add a new one. Timestamps are stored as
/// BIGINT milliseconds since the Unix epoch (UTC) in both dialects so that every query — the
/// KPI report above all — is one SQL text for SQLite and PostgreSQL; enums are stored by name.
/// </summary>
public static class Migrations
{
    public static IReadOnlyList<Migration> All { get; } =
    [
        new(1, "core tables", d => $"""
            CREATE TABLE departments (
                id {d.IdentityColumn}, code TEXT NOT NULL UNIQUE, name TEXT NOT NULL, active INTEGER NOT NULL DEFAULT 1);
            CREATE TABLE districts (
                id {d.IdentityColumn}, code TEXT NOT NULL UNIQUE, name TEXT NOT NULL);
            CREATE TABLE partner_hotlines (
                id {d.IdentityColumn}, number TEXT NOT NULL UNIQUE, name TEXT NOT NULL, description TEXT);
            CREATE TABLE calendar_days (
                calendar_date TEXT PRIMARY KEY, is_working_day INTEGER NOT NULL, note TEXT);
            CREATE TABLE cases (
                id {d.IdentityColumn},
                number TEXT NOT NULL UNIQUE,
                channel TEXT NOT NULL, category TEXT NOT NULL, status TEXT NOT NULL,
                description TEXT NOT NULL, citizen_name TEXT, citizen_phone TEXT, location TEXT,
                district_id BIGINT REFERENCES districts(id), confidential INTEGER NOT NULL DEFAULT 0,
                call_id TEXT, recording_path TEXT,
                department_id BIGINT REFERENCES departments(id),
                created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL, due_at BIGINT NOT NULL,
                dispatched_at BIGINT, sign_due_at BIGINT, signed_at BIGINT, completed_at BIGINT,
                replied_at BIGINT, reply_text TEXT, direct_answer INTEGER NOT NULL DEFAULT 0,
                return_count INTEGER NOT NULL DEFAULT 0, last_return_reason TEXT,
                pending_extension_days INTEGER, extension_count INTEGER NOT NULL DEFAULT 0,
                escalated INTEGER NOT NULL DEFAULT 0, supervision_count INTEGER NOT NULL DEFAULT 0,
                callback_at BIGINT, satisfaction TEXT, reopen_count INTEGER NOT NULL DEFAULT 0,
                closed_at BIGINT, archived_at BIGINT, merged_into BIGINT, ack_sent_at BIGINT,
                repeat_contact INTEGER NOT NULL DEFAULT 0,
                version BIGINT NOT NULL DEFAULT 1);
            CREATE TABLE case_audit (
                id {d.IdentityColumn}, case_id BIGINT NOT NULL REFERENCES cases(id), at BIGINT NOT NULL,
                actor TEXT NOT NULL, action TEXT NOT NULL, from_status TEXT NOT NULL, to_status TEXT NOT NULL, note TEXT);
            CREATE TABLE supervision_orders (
                id {d.IdentityColumn}, case_id BIGINT NOT NULL REFERENCES cases(id), issued_at BIGINT NOT NULL,
                issued_by TEXT NOT NULL, department_id BIGINT, note TEXT NOT NULL);
            CREATE TABLE outbound_messages (
                id {d.IdentityColumn}, case_id BIGINT REFERENCES cases(id), to_number TEXT NOT NULL,
                body TEXT NOT NULL, kind TEXT NOT NULL, sent_at BIGINT NOT NULL);
            CREATE TABLE call_records (
                call_id TEXT PRIMARY KEY, caller TEXT, called TEXT, offered_at BIGINT NOT NULL,
                ivr_ended_at BIGINT, queued_at BIGINT, agent_ringing_at BIGINT, answered_at BIGINT,
                ended_at BIGINT, wrap_up_ended_at BIGINT, ivr_path TEXT, queue TEXT, agent_id TEXT,
                outcome TEXT, recording_path TEXT);
            """),
        new(2, "seed directory", _ => """
            INSERT INTO departments (code, name, active) VALUES
                ('housing', '市住房和城乡建设局 Housing and Urban-Rural Development', 1),
                ('market', '市市场监督管理局 Market Regulation', 1),
                ('hrss', '市人力资源和社会保障局 Human Resources and Social Security', 1),
                ('transport', '市交通运输局 Transport', 1),
                ('environment', '市生态环境局 Ecology and Environment', 1),
                ('urban', '市城市管理局 Urban Management', 1),
                ('water', '市水务局 Water Authority', 1),
                ('education', '市教育局 Education', 1),
                ('health', '市卫生健康委员会 Health Commission', 1),
                ('police', '市公安局 Public Security', 1);
            INSERT INTO districts (code, name) VALUES
                ('central', '中心区 Central'), ('east', '东区 East'), ('west', '西区 West'),
                ('north', '北区 North'), ('south', '南区 South'), ('newtown', '新区 New Town');
            INSERT INTO partner_hotlines (number, name, description) VALUES
                ('12348', '公共法律服务热线 Legal aid', 'free legal advice and legal aid'),
                ('12355', '青少年服务台 Youth rights', 'youth rights protection and counselling'),
                ('12309', '检察服务热线 Procuratorate', 'reports and complaints to the procuratorate'),
                ('12333', '劳动人事争议仲裁 Labour arbitration', 'labour and personnel dispute arbitration'),
                ('12349', '老龄办 Office for the aged', 'services for elderly citizens'),
                ('110', '报警 Police emergency', 'emergencies: transfer at once');
            """),
        new(3, "indexes for search, deadlines and KPIs", d => $"""
            {d.CasesCreatedIndex}
            CREATE INDEX ix_cases_department_created ON cases (department_id, created_at);
            CREATE INDEX ix_cases_status_created ON cases (status, created_at);
            CREATE INDEX ix_cases_phone_created ON cases (citizen_phone, created_at);
            CREATE INDEX ix_cases_open_due ON cases (due_at) WHERE completed_at IS NULL;
            CREATE INDEX ix_case_audit_case ON case_audit (case_id, id);
            CREATE INDEX ix_supervision_case ON supervision_orders (case_id);
            CREATE INDEX ix_outbound_case ON outbound_messages (case_id);
            CREATE INDEX ix_call_records_offered ON call_records (offered_at);
            {d.TextSearchIndex}
            """),
        new(4, "post-call survey score on call records", _ => """
            ALTER TABLE call_records ADD COLUMN survey_score INTEGER;
            """),
        new(5, "per-leg media quality on call records", _ => """
            ALTER TABLE call_records ADD COLUMN caller_packets_received BIGINT;
            ALTER TABLE call_records ADD COLUMN caller_packets_lost BIGINT;
            ALTER TABLE call_records ADD COLUMN caller_jitter_ms DOUBLE PRECISION;
            ALTER TABLE call_records ADD COLUMN agent_packets_received BIGINT;
            ALTER TABLE call_records ADD COLUMN agent_packets_lost BIGINT;
            ALTER TABLE call_records ADD COLUMN agent_jitter_ms DOUBLE PRECISION;
            """),
        // A seat may leave wrap-up before the call manager has saved the call's record: the end
        // waits here until the record exists (see SqlCaseStore.SetWrapUpEndedAsync).
        new(6, "wrap-up ends that arrive before their call record", _ => """
            CREATE TABLE pending_wrap_up_ends (call_id TEXT PRIMARY KEY, wrap_up_ended_at BIGINT NOT NULL);
            """),
        // Records are written from the call's answer on (state 'live'), so a node that dies leaves them behind
        // for its next start to end as node-lost; call_nodes holds each node's last sign of life (the end time
        // of what it lost). Refusals for capacity are counted per minute, not written one by one.
        new(7, "live call records, node heartbeats, refusal counts", _ => """
            ALTER TABLE call_records ADD COLUMN node_id TEXT;
            ALTER TABLE call_records ADD COLUMN state TEXT;
            CREATE INDEX ix_call_records_live ON call_records (node_id) WHERE state = 'live';
            CREATE TABLE call_nodes (node_id TEXT PRIMARY KEY, seen_at BIGINT NOT NULL);
            CREATE TABLE call_refusals (
                minute_at BIGINT NOT NULL, service_number TEXT NOT NULL, node_id TEXT NOT NULL, refused BIGINT NOT NULL,
                PRIMARY KEY (minute_at, service_number, node_id));
            """),
        // The agent desktop's pop lists the caller's last calls while the phone rings.
        new(8, "call records by caller", _ => """
            CREATE INDEX ix_call_records_caller ON call_records (caller, offered_at);
            """),
        // The agent's knowledge panel tells when a partner hotline answers before the agent offers it.
        new(9, "partner hotline hours", _ => """
            ALTER TABLE partner_hotlines ADD COLUMN hours TEXT;
            UPDATE partner_hotlines SET hours = '24 h' WHERE number IN ('12348', '12309', '110');
            UPDATE partner_hotlines SET hours = 'Mon-Fri 9:00-17:00' WHERE number IN ('12355', '12333', '12349');
            """),
        // Supervisors hear and download recordings: every access is audited; the retention sweep deletes old files
        // and marks their records (an expired recording answers 410, not 404: the call happened).
        new(10, "recording access audit and retention", d => $"""
            ALTER TABLE call_records ADD COLUMN recording_expired_at BIGINT;
            CREATE INDEX ix_call_records_recording_kept ON call_records (offered_at) WHERE recording_path IS NOT NULL AND recording_expired_at IS NULL;
            CREATE INDEX ix_cases_call ON cases (call_id);
            CREATE TABLE recording_access (
                id {d.IdentityColumn}, call_id TEXT NOT NULL, user_name TEXT NOT NULL, user_role TEXT NOT NULL,
                action TEXT NOT NULL, channel TEXT NOT NULL, at BIGINT NOT NULL);
            CREATE INDEX ix_recording_access_at ON recording_access (at);
            CREATE INDEX ix_recording_access_call ON recording_access (call_id, at);
            """),
        // A call's own trace (SIP ladder, RTP quality over time), saved when the call ends, as the JSON the API serves.
        new(11, "call traces", _ => """
            CREATE TABLE call_traces (call_id TEXT PRIMARY KEY, ended_at BIGINT NOT NULL, trace TEXT NOT NULL);
            CREATE INDEX ix_call_traces_ended ON call_traces (ended_at);
            """),
        // One dial plan from the directory (issue 13): every entry a seat may dial has a number, a kind and the
        // hours it takes calls. Emergency services are seeded when missing (an operator may have added 110
        // already); departments get a duty line (the demo city's numbers: replace with the real ones). A call
        // record notes who was brought in, transferred to or from, and when (three-party calls with 110).
        new(12, "directory kinds, emergency numbers, department duty lines, parties on call records", _ => """
            ALTER TABLE partner_hotlines ADD COLUMN kind TEXT NOT NULL DEFAULT 'hotline';
            INSERT INTO partner_hotlines (number, name, description, hours, kind)
                SELECT '110', '报警 Police emergency', 'emergencies: transfer at once', '24 h', 'emergency'
                WHERE NOT EXISTS (SELECT 1 FROM partner_hotlines WHERE number = '110');
            INSERT INTO partner_hotlines (number, name, description, hours, kind)
                SELECT '119', '火警 Fire and rescue', 'fire, rescue: transfer at once', '24 h', 'emergency'
                WHERE NOT EXISTS (SELECT 1 FROM partner_hotlines WHERE number = '119');
            INSERT INTO partner_hotlines (number, name, description, hours, kind)
                SELECT '120', '急救 Medical emergency', 'ambulance: transfer at once', '24 h', 'emergency'
                WHERE NOT EXISTS (SELECT 1 FROM partner_hotlines WHERE number = '120');
            INSERT INTO partner_hotlines (number, name, description, hours, kind)
                SELECT '122', '交通事故 Traffic accidents', 'road accidents: transfer at once', '24 h', 'emergency'
                WHERE NOT EXISTS (SELECT 1 FROM partner_hotlines WHERE number = '122');
            UPDATE partner_hotlines SET kind = 'emergency', hours = COALESCE(hours, '24 h') WHERE number IN ('110', '119', '120', '122');
            ALTER TABLE departments ADD COLUMN phone TEXT;
            ALTER TABLE departments ADD COLUMN hours TEXT;
            UPDATE departments SET hours = 'Mon-Fri 9:00-17:00';
            UPDATE departments SET phone = '66120001' WHERE code = 'housing';
            UPDATE departments SET phone = '66120002' WHERE code = 'market';
            UPDATE departments SET phone = '66120003' WHERE code = 'hrss';
            UPDATE departments SET phone = '66120004' WHERE code = 'transport';
            UPDATE departments SET phone = '66120005' WHERE code = 'environment';
            UPDATE departments SET phone = '66120006' WHERE code = 'urban';
            UPDATE departments SET phone = '66120007' WHERE code = 'water';
            UPDATE departments SET phone = '66120008' WHERE code = 'education';
            UPDATE departments SET phone = '66120009' WHERE code = 'health';
            UPDATE departments SET phone = '66120010', hours = '24 h' WHERE code = 'police';
            ALTER TABLE call_records ADD COLUMN parties TEXT;
            """),
        // Calls we place (callbacks, missed-call returns, return visits) are call records with a direction (their
        // outcome says why); a missed call leaves a callback task, one open task per kind, number and local day (the partial
        // unique index is the deduplication, so two nodes saving at once cannot add two).
        new(14, "outbound calls and callback tasks", d => $"""
            ALTER TABLE call_records ADD COLUMN direction TEXT;
            ALTER TABLE call_records ADD COLUMN case_id BIGINT;
            ALTER TABLE call_records ADD COLUMN callback_task_id BIGINT;
            ALTER TABLE call_records ADD COLUMN abandoned_in_ivr INTEGER NOT NULL DEFAULT 0;
            CREATE INDEX ix_call_records_case ON call_records (case_id) WHERE case_id IS NOT NULL;
            CREATE TABLE callback_tasks (
                id {d.IdentityColumn}, kind TEXT NOT NULL, number TEXT NOT NULL, day TEXT NOT NULL, source_call_id TEXT,
                created_at BIGINT NOT NULL, state TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, due_at BIGINT NOT NULL,
                agent_id TEXT, last_outcome TEXT, last_call_id TEXT, returned_at BIGINT, closed_at BIGINT);
            CREATE UNIQUE INDEX ux_callback_tasks_pending ON callback_tasks (kind, number, day) WHERE state IN ('open', 'dialling');
            CREATE INDEX ix_callback_tasks_due ON callback_tasks (state, due_at, id);
            CREATE INDEX ix_callback_tasks_number ON callback_tasks (number, state);
            CREATE INDEX ix_callback_tasks_created ON callback_tasks (created_at);
            """),
        // Every missed call asks "has this call already made a task?" by its call id: without the index each ended
        // call scanned the whole table (a day's tasks), which at a few hundred calls a second was most of the CPU.
        new(15, "callback tasks by source call", _ => """
            CREATE INDEX ix_callback_tasks_source ON callback_tasks (source_call_id, kind);
            """),
    ];
}
