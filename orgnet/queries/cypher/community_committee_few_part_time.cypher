// id: community_committee_few_part_time
// kind: rule
// title_zh: 社区大党委兼职委员少于3名
// title_en: Community committees with too few part-time members
// description_zh: 统计日在任的兼职委员（驻区单位党组织负责人等）少于政策设置 community_part_time_min（默认3名）的社区党组织（社区“大党委”）；按其负责的区域归属社区、街道。
// description_en: Community committees with fewer than community_part_time_min (policy, default 3) part-time members in post on as_of (社区大党委); placed by the areas they cover.
// source: 000 社区兼职委员2,996名; 004 大党委
// severity: medium
// remedy_zh: 吸纳有代表性的驻区单位党组织负责人担任社区党组织兼职委员。
// remedy_en: Take the party leaders of representative resident units onto the community committee as part-time members.
// param: as_of date =today
// param: street_id str =null
// param: community_id str =null
// param: community_part_time_min int =policy
// columns: rule, id, name, kind, street_id, street, community_id, community, detail, remedy
MATCH (x:PartyOrg {kind: 'community_committee'})
OPTIONAL MATCH (x)<-[h:HOLDS]-(m:Member)
WHERE h.role = 'part_time_member' AND (h.since IS NULL OR h.since <= $as_of) AND (h.until IS NULL OR $as_of <= h.until)
WITH x, count(DISTINCT m) AS seats
WHERE seats < $community_part_time_min
OPTIONAL MATCH (x)-[:COVERS]->(:Area)-[:PART_OF*0..2]->(c:Community)
WITH x, seats, min(c.id) AS community_id, collect(DISTINCT c) AS cs
WITH x, seats, community_id, cs, head([k IN cs WHERE k.id = community_id]) AS cn
OPTIONAL MATCH (cn)-[:PART_OF]->(s1:Street)
WITH x, seats, community_id, cs, min(s1.id) AS s1_id, collect(DISTINCT s1) AS s1s
OPTIONAL MATCH (x)-[:COVERS]->(:Area)-[:PART_OF*0..3]->(s2:Street)
WITH x, seats, community_id, cs, s1_id, s1s, min(s2.id) AS s2_id, collect(DISTINCT s2) AS s2s
WITH x, seats, community_id, cs, coalesce(s1_id, s2_id) AS street_id, s1s + s2s AS ss
WHERE ($street_id IS NULL OR street_id = $street_id)
  AND ($community_id IS NULL OR community_id = $community_id)
RETURN 'community_committee_few_part_time' AS rule, x.id AS id, x.name AS name, x.kind AS kind,
       street_id, head([k IN ss WHERE k.id = street_id | k.name]) AS street,
       community_id, head([k IN cs WHERE k.id = community_id | k.name]) AS community,
       '在任兼职委员' + toString(seats) + '名，少于' + toString($community_part_time_min) + '名' AS detail,
       '吸纳有代表性的驻区单位党组织负责人担任社区党组织兼职委员。' AS remedy
ORDER BY street_id, community_id, id
