package routing

import (
	"strings"
	"testing"
)

// A keyword one OPD owns outweighs procedural words that the largest OPD's
// texts repeat but other OPDs use too.
func TestSpecificFeatureOutweighsGenericOnes(t *testing.T) {
	c := newClassifier([]string{"CAPIL", "HUB", "PAJAK"})
	train := []struct {
		class int
		text  string
	}{
		{0, "ktp hilang urus ganti"}, {0, "kk hilang urus ganti baru"}, {0, "akta hilang urus"},
		{0, "ktp rusak ganti baru"}, {0, "urus pindah kk"}, {0, "akta salah urus ganti"},
		{1, "kir biaya"}, {1, "kir kendaraan jadwal"}, {1, "parkir tarif"}, {1, "angkutan hilang trayek"},
		{2, "sppt hilang urus"}, {2, "pajak bayar"}, {2, "pbb ganti nama"},
	}
	for _, d := range train {
		c.add(d.class, strings.Fields(d.text), 1)
	}
	c.refresh()
	weight := func(f string) float64 { return c.weight[c.ids[f]] }
	// kir: twice in one OPD's texts; sppt: once; ktp: thrice, but in the
	// largest OPD's; urus and hilang: in two and three OPDs.
	if !(weight("kir") > weight("sppt") && weight("sppt") > weight("urus") && weight("ktp") > weight("urus") && weight("urus") > weight("hilang")) {
		t.Errorf("specificity: kir %.2f, sppt %.2f, ktp %.2f, urus %.2f, hilang %.2f; want kir > sppt > urus > hilang, ktp > urus",
			weight("kir"), weight("sppt"), weight("ktp"), weight("urus"), weight("hilang"))
	}
	scores := make([]float64, c.width())
	rows, mults := c.lookup(strings.Fields("kir hilang urus ganti"), nil, nil, nil)
	c.logScores(rows, mults, scores)
	c.probabilities(scores)
	if scores[1] <= scores[0] {
		t.Errorf("kir hilang urus ganti: HUB %.3f, CAPIL %.3f; want HUB first", scores[1], scores[0])
	}
}

// A class owns a feature its texts alone have, or one it holds far more
// than all others together: a passing mention in an FAQ answer yields to
// a body's own phrase, a keyword or example does not.
func TestOnlyClass(t *testing.T) {
	const body = 2
	tests := []struct {
		name   string
		counts map[int][]float64 // class → the weights it was taught with
		want   int
	}{
		{"one class", map[int][]float64{0: {weightText}}, 0},
		{"body and an answer's mention", map[int][]float64{body: {weightOutside}, 1: {weightAnswer}}, body},
		{"body and an OPD's example", map[int][]float64{body: {weightOutside}, 1: {weightText}}, -1},
		{"body and two answers", map[int][]float64{body: {weightOutside}, 0: {weightAnswer}, 1: {weightAnswer}}, -1},
		{"two OPDs alike", map[int][]float64{0: {weightText}, 1: {weightText}}, -1},
	}
	for _, tt := range tests {
		c := newClassifier([]string{"PU", "PERKIM", "PROVINSI"})
		for class, ws := range tt.counts {
			for _, w := range ws {
				c.add(class, []string{"jalan provinsi"}, w)
			}
		}
		if got := c.onlyClass([]byte("jalan provinsi")); got != tt.want {
			t.Errorf("%s: onlyClass = %d, want %d", tt.name, got, tt.want)
		}
	}
	if got := newClassifier([]string{"PU"}).onlyClass([]byte("jalan")); got != -1 {
		t.Errorf("unknown feature: onlyClass = %d, want -1", got)
	}
}
