-- Members who move, the rest of issue 27: the member file's fields (党员档案), the 流入地 side of 流动党员 and the
-- 流动党员活动证, 在职党员 到社区报到, 人户分离, and 学时. Self-contained: new tables and one nullable column.
--
-- The member file's fields as the roster gives them (性别, 出生年月, 民族, 学历, 工作单位, 家庭住址, 流入地,
-- 流入地党组织, 流入地联系人, 活动证号 and dates, 原党组织联系人, 来本社区时间, 实际居住地), one row per field
-- written: a roster import sets exactly the fields its row has. `id_number` (身份证号) is written only when
-- STORE_ID_NUMBERS is true and is read by the member file alone (bot/store/moving.py).
CREATE TABLE member_details (
    member_id INTEGER NOT NULL REFERENCES members(id) ON DELETE CASCADE,
    field     TEXT NOT NULL,
    value     TEXT NOT NULL,
    PRIMARY KEY (member_id, field)
);
-- The sweep reads the 活动证 by its last day (field 'card_until') through this index.
CREATE INDEX member_details_field ON member_details (field, value);

-- 在职党员 到社区报到: the 报到 itself (kind 'report', with the service taken on) and each activity done for the
-- community afterwards (kind 'activity', with its hours), kept forever like a duty entry; and a 流动党员's report of
-- taking part in the activities of the 流入地党组织 (kind 'inflow'), which their liaison is told of.
CREATE TABLE community_service (
    id          INTEGER PRIMARY KEY,
    member_id   INTEGER NOT NULL REFERENCES members(id),
    kind        TEXT NOT NULL CHECK (kind IN ('report', 'activity', 'inflow')),
    on_day      TEXT NOT NULL,            -- YYYY-MM-DD
    what        TEXT NOT NULL,            -- 认领的服务 / 做了什么
    hours       REAL NOT NULL DEFAULT 0 CHECK (hours >= 0 AND hours <= 24),
    recorded_by INTEGER REFERENCES members(id) ON DELETE SET NULL,
    recorded_at TEXT NOT NULL
);
CREATE INDEX community_service_member ON community_service (member_id, on_day);

-- 学时: a meeting's own figure when the convener set one (NULL: the default of its type, bot/domain/study.py),
-- and study done outside the branch's meetings (上级党组织的集中培训, 党校, 网络培训), entered by a secretary.
ALTER TABLE notices ADD COLUMN study_hours REAL;
CREATE TABLE study_records (
    id          INTEGER PRIMARY KEY,
    member_id   INTEGER NOT NULL REFERENCES members(id),
    on_day      TEXT NOT NULL,
    hours       REAL NOT NULL CHECK (hours > 0 AND hours <= 80),
    what        TEXT NOT NULL,
    recorded_by INTEGER REFERENCES members(id) ON DELETE SET NULL,
    recorded_at TEXT NOT NULL
);
CREATE INDEX study_records_member ON study_records (member_id, on_day);
