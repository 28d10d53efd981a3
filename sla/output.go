package sla

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
)

// WriteJSON writes the report as one indented JSON object.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(r); err != nil {
		return fmt.Errorf("report: write JSON: %w", err)
	}
	return nil
}

var csvHeader = []string{
	"opd", "name", "received", "answered", "resolved", "open",
	"first_response_median_min", "first_response_p90_min", "resolution_median_min",
	"first_response_met", "first_response_breached", "sla_met_pct", "faq_answered",
	"csat_count", "csat_avg", "undelivered",
}

// WriteCSV writes one row per OPD and a TOTAL row, under a header of the
// JSON field names; a figure with no value is an empty cell.
func (r *Report) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	_ = cw.Write(csvHeader)
	for _, row := range r.OPDs {
		_ = cw.Write(row.csv(row.OPD))
	}
	_ = cw.Write(r.Total.csv("TOTAL"))
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("report: write CSV: %w", err)
	}
	return nil
}

func (row Row) csv(opd string) []string {
	faq := ""
	if row.FAQAnswered != nil {
		faq = strconv.Itoa(*row.FAQAnswered)
	}
	return []string{
		opd, row.Name, strconv.Itoa(row.Received), strconv.Itoa(row.Answered),
		strconv.Itoa(row.Resolved), strconv.Itoa(row.Open),
		number(row.FirstResponseMedian), number(row.FirstResponseP90), number(row.ResolutionMedian),
		strconv.Itoa(row.Met), strconv.Itoa(row.Breached), number(row.SLAMetPct), faq,
		strconv.Itoa(row.CSATCount), number(row.CSATAvg), strconv.Itoa(row.Undelivered),
	}
}

func number(v *float64) string {
	if v == nil {
		return ""
	}
	return strconv.FormatFloat(*v, 'f', -1, 64)
}

// WriteTable writes the report for people: aligned columns with the OPD
// names, headed in Indonesian like every screen staff read.
func (r *Report) WriteTable(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "Laporan layanan Sigap: tiket dibuat %s s.d. sebelum %s, keadaan %s\n\n",
		r.From, r.To, r.At.Format("2006-01-02 15:04 MST"))
	fmt.Fprintln(tw, "OPD\tMasuk\tDijawab\tSelesai\tTerbuka\tMedian respons (mnt)\tP90 respons (mnt)\tMedian selesai (mnt)\tTepat\tTerlambat\t% tepat\tTak terkirim\tDinilai\tNilai rata-rata\tNama OPD\t")
	for _, row := range r.OPDs {
		row.table(tw, row.OPD, row.Name)
	}
	r.Total.table(tw, "TOTAL", "")
	fmt.Fprintln(tw)
	if r.Total.FAQAnswered != nil {
		fmt.Fprintf(tw, "Dijawab FAQ tanpa petugas: %d (%s%% dari semua pertanyaan)\n", *r.Total.FAQAnswered, dash(r.Total.FAQDeflectionPct))
	}
	b := r.Total.Backlog
	fmt.Fprintf(tw, "Tiket terbuka menurut umur (hari kerja): <1: %d, 1-3: %d, >3: %d\n", b.UnderOneDay, b.OneToThree, b.OverThreeDays)
	if len(r.Staff) > 0 {
		fmt.Fprintln(tw, "\nPetugas\tRespons pertama\tMedian (mnt)\tDinilai\tNilai rata-rata\t")
		for _, s := range r.Staff {
			fmt.Fprintf(tw, "%s\t%d\t%s\t%d\t%s\t\n", s.Staff, s.FirstResponses, dash(s.FirstResponseMedian), s.CSATCount, dash(s.CSATAvg))
		}
	}
	if len(r.LowRatings) > 0 {
		fmt.Fprintln(tw, "\nNilai rendah\tOPD\tPetugas\tNilai\t")
		for _, t := range r.LowRatings {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t\n", t.Code, t.OPD, t.Staff, t.Rating)
		}
	}
	if len(r.TopFAQs) > 0 {
		fmt.Fprintln(tw, "\nFAQ terbanyak\tOPD\tJumlah\t")
		for _, f := range r.TopFAQs {
			fmt.Fprintf(tw, "%s\t%s\t%d\t\n", f.FAQ, f.OPD, f.Count)
		}
	}
	if len(r.Channels) > 0 {
		fmt.Fprintln(tw, "\nKanal\tTiket masuk\tDijawab\tDijawab FAQ\t")
		for _, c := range r.Channels {
			fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t\n", c.Channel, c.Received, c.Answered, c.FAQAnswered)
		}
	}
	if len(r.Weeks) > 0 {
		fmt.Fprintln(tw, "\nMinggu\tMasuk\tDijawab\tMedian respons (mnt)\t")
		for _, wk := range r.Weeks {
			fmt.Fprintf(tw, "%s\t%d\t%d\t%s\t\n", weekName(wk.Week), wk.Received, wk.Answered, dash(wk.FirstResponseMedian))
		}
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("report: write table: %w", err)
	}
	return nil
}

func (row Row) table(w io.Writer, opd, name string) {
	fmt.Fprintf(w, "%s\t%d\t%d\t%d\t%d\t%s\t%s\t%s\t%d\t%d\t%s\t%d\t%d\t%s\t%s\t\n",
		opd, row.Received, row.Answered, row.Resolved, row.Open,
		dash(row.FirstResponseMedian), dash(row.FirstResponseP90), dash(row.ResolutionMedian),
		row.Met, row.Breached, dash(row.SLAMetPct), row.Undelivered, row.CSATCount, dash(row.CSATAvg), name)
}

// dash formats a figure to one decimal with a decimal comma, as the
// table's readers write numbers, or "-" when it has no value.
func dash(v *float64) string {
	if v == nil {
		return "-"
	}
	return strings.Replace(strconv.FormatFloat(*v, 'f', 1, 64), ".", ",", 1)
}

// weekName writes an ISO week, "2024-W09", as the table's readers name
// it: "Minggu 9 (2024)".
func weekName(w string) string {
	year, week, ok := strings.Cut(w, "-W")
	if !ok {
		return w
	}
	return "Minggu " + strings.TrimLeft(week, "0") + " (" + year + ")"
}
