package lang

import "testing"

func TestIsThanks(t *testing.T) {
	for text, want := range map[string]bool{
		"terima kasih":                       true,
		"Terima kasih banyak, Pak 🙏":         true,
		"makasih min":                        true,
		"Matur nuwun sanget":                 true,
		"matur nuwun":                        true,
		"ok makasih infonya sangat membantu": true,
		"TERIMAKASIH!!!":                     true,
		"thank you":                          true,
		"halo":                               false, // a greeting is no thank-you
		"":                                   false,
		"terima kasih, tapi jalannya masih rusak":    false,
		"kasih tahu cara bikin KTP":                  false,
		"terima kasih atas infonya, kapan KTP jadi?": false,
	} {
		if got := IsThanks(text); got != want {
			t.Errorf("IsThanks(%q) = %v, want %v", text, got, want)
		}
	}
}
