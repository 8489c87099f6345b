-- Recompute the dossier-based targets from the open data's dossier facts, with DuckDB alone.
-- Written from the indicator definitions (docs/kpi/*.md), not from the product's code.
--
-- Variables (SET VARIABLE … before running):
--   ho_so   the Parquet files of a year's dossier facts, e.g. 'ho-so/**/*.parquet'
--           (the folder unpacked from /cong-khai/du-lieu-mo/<năm>/ho-so.zip)
--   tu_dien its tu-dien-du-lieu.json (the published months: thang_da_cong_bo)
--
-- Result: per indicator, month and scope (each agency, each tier, the whole province) the
-- numerator, denominator and value over January → that month, as the published table
-- chi-tieu-theo-co-quan gives them (its columns: ma_chi_so, thang, pham_vi, cap, ma_co_quan,
-- tu_so, mau_so, gia_tri). A scope whose denominator is 0 has no value and no row.

WITH
ho_so AS (
    SELECT * FROM read_parquet(getvariable('ho_so'), hive_partitioning = true)
),
thang_cong_bo AS (  -- the published months, January → the release's last month
    SELECT strptime(m, '%Y-%m')::DATE AS thang
    FROM (SELECT unnest(thang_da_cong_bo) AS m FROM read_json_auto(getvariable('tu_dien')))
),
-- Per agency and month, the counts each definition names.
theo_thang AS (
    -- ONLINE_DOSSIER_SHARE (6c): received online (channel 2) / received, by month of receipt.
    SELECT 'ONLINE_DOSSIER_SHARE' AS ma_chi_so, ma_co_quan, cap_co_quan,
           date_trunc('month', ngay_tiep_nhan)::DATE AS thang,
           count(*) FILTER (WHERE kenh = 2) AS tu_so, count(*) AS mau_so
    FROM ho_so GROUP BY ALL
    UNION ALL
    -- ONLINE_PAYMENT_SHARE (5b): among the procedures offering online payment that year,
    -- dossiers with a fee paid online / dossiers with a fee, by month of receipt.
    SELECT 'ONLINE_PAYMENT_SHARE', ma_co_quan, cap_co_quan,
           date_trunc('month', ngay_tiep_nhan)::DATE,
           count(*) FILTER (WHERE thanh_toan_truc_tuyen), count(*)
    FROM ho_so WHERE thu_tuc_co_thanh_toan_truc_tuyen AND phi_le_phi > 0 GROUP BY ALL
    UNION ALL
    -- ON_TIME_RATE: finished (done or rejected) on time / finished with a known deadline,
    -- by month of end of processing; a dossier whose deadline is unknown is in neither.
    SELECT 'ON_TIME_RATE', ma_co_quan, cap_co_quan,
           date_trunc('month', ngay_ket_thuc_xu_ly)::DATE,
           count(*) FILTER (WHERE dung_han), count(*) FILTER (WHERE dung_han IS NOT NULL)
    FROM ho_so WHERE trang_thai IN ('done', 'rejected') AND ngay_ket_thuc_xu_ly IS NOT NULL
    GROUP BY ALL
    UNION ALL
    -- RESULT_DIGITISATION (4): results granted (finished as done) that are digitised / results
    -- granted, by month of end of processing; a rejection gives no result.
    SELECT 'RESULT_DIGITISATION', ma_co_quan, cap_co_quan,
           date_trunc('month', ngay_ket_thuc_xu_ly)::DATE,
           count(*) FILTER (WHERE ket_qua_so_hoa), count(*)
    FROM ho_so WHERE trang_thai = 'done' AND ngay_ket_thuc_xu_ly IS NOT NULL GROUP BY ALL
),
-- Flows: the value at month M sums January → M of the same year.
luy_ke AS (
    SELECT t.ma_chi_so, c.thang, t.ma_co_quan, t.cap_co_quan,
           sum(t.tu_so) AS tu_so, sum(t.mau_so) AS mau_so
    FROM theo_thang t
    JOIN thang_cong_bo c
      ON t.thang <= c.thang AND year(t.thang) = year(c.thang)
    GROUP BY ALL
),
-- Departments and the UBND tỉnh are the provincial tier.
co_cap AS (
    SELECT *, CASE WHEN cap_co_quan IN ('province', 'department') THEN 'province'
                   ELSE cap_co_quan END AS cap
    FROM luy_ke
),
pham_vi AS (
    SELECT ma_chi_so, thang, 'co_quan' AS pham_vi, cap, ma_co_quan, tu_so, mau_so FROM co_cap
    UNION ALL
    SELECT ma_chi_so, thang, 'cap', cap, NULL, sum(tu_so), sum(mau_so) FROM co_cap GROUP BY ALL
    UNION ALL
    SELECT ma_chi_so, thang, 'tinh', NULL, NULL, sum(tu_so), sum(mau_so) FROM co_cap GROUP BY ALL
)
SELECT ma_chi_so, thang, pham_vi, cap, ma_co_quan, tu_so::BIGINT AS tu_so,
       mau_so::BIGINT AS mau_so,
       -- 100 × n / d rounded half-up to 2 decimals, in whole numbers (exact): the value in
       -- hundredths is floor((10000 × n + d / 2) / d).
       (((20000 * tu_so + mau_so) // (2 * mau_so))::DECIMAL(18, 0) / 100)::DECIMAL(12, 2)
           AS gia_tri
FROM pham_vi
WHERE mau_so > 0
ORDER BY ma_chi_so, thang, pham_vi, cap, ma_co_quan
