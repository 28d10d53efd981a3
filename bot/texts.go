package bot

import (
	"fmt"
	"strings"
	"time"

	"github.com/pemkab-kebumen/sigap"
	"github.com/pemkab-kebumen/sigap/desk"
)

// Texts holds every text a citizen can receive, so the regency can review
// and change the wording in one place.
type Texts struct {
	Loc *time.Location
}

var _ sigap.CitizenTexts = Texts{}

func (x Texts) when(t time.Time) string { return desk.FormatTime(t, x.Loc) }

// Welcome is the first message a citizen receives.
func (Texts) Welcome() string {
	return "Selamat datang di Sigap, layanan tanya-jawab Pemerintah Kabupaten Kebumen. 🙏\n\n" +
		"Silakan tulis pertanyaan atau laporan Bapak/Ibu dalam satu pesan. Kami jawab langsung bila ada di daftar pertanyaan umum, " +
		"atau kami teruskan ke dinas yang menangani dengan nomor tiket.\n\n" +
		"Ketik 'status' untuk melihat tiket Bapak/Ibu, dan 'baru' untuk memulai pertanyaan baru.\n\n" +
		"Data Bapak/Ibu hanya dipakai untuk menangani pertanyaan ini (UU 27/2022 tentang Pelindungan Data Pribadi)."
}

// Help repeats how Sigap works.
func (Texts) Help() string {
	return "Cara memakai Sigap:\n" +
		"• Tulis pertanyaan atau laporan Bapak/Ibu, sebaiknya dengan lokasi (desa, kecamatan).\n" +
		"• 'status' — melihat tiket Bapak/Ibu.\n" +
		"• 'cek KODE' — melihat satu tiket, misalnya cek KBM-7K3QX.\n" +
		"• 'baru' — memulai pertanyaan baru."
}

// AskQuestion answers a message with no question in it.
func (Texts) AskQuestion() string {
	return "Halo Bapak/Ibu 🙏 Silakan tuliskan pertanyaan atau laporan Bapak/Ibu, kami bantu teruskan."
}

// FAQAnswer is an answer from the FAQ with the feedback question.
func (Texts) FAQAnswer(answer string) string {
	return answer + "\n\nApakah jawaban ini membantu? Balas 1 jika ya, 2 jika ingin diteruskan ke petugas."
}

// FAQFeedbackReplies are the answers to FAQAnswer's question, offered as
// buttons where the channel has them; each sends its text, the typed answer.
func (Texts) FAQFeedbackReplies() []string { return []string{"1", "2"} }

// FAQHelpful thanks the citizen for confirming the answer helped.
func (Texts) FAQHelpful() string {
	return "Terima kasih, Bapak/Ibu. Senang dapat membantu. Silakan tulis lagi bila ada pertanyaan lain."
}

// Opened acknowledges a new ticket: which OPD, the code, and by when the
// first answer is due. When the office is closed now, it says when the
// clock starts.
func (x Texts) Opened(t *sigap.Ticket, opdName string, clockStarts time.Time, triage bool) string {
	return x.opened(t, opdName, clockStarts, triage) + " Ketik 'status' untuk melihat perkembangannya."
}

// OpenedFromComment acknowledges a ticket opened from a comment under a
// post, in the one private message Meta allows in reply to it. Staff can
// write again only once the citizen answers that message, so it asks for
// an answer.
func (x Texts) OpenedFromComment(t *sigap.Ticket, opdName string, clockStarts time.Time, triage bool) string {
	return x.opened(t, opdName, clockStarts, triage) +
		" Mohon balas pesan ini (cukup dengan 'ok') agar jawaban petugas dapat kami kirim kepada Bapak/Ibu di sini."
}

func (x Texts) opened(t *sigap.Ticket, opdName string, clockStarts time.Time, triage bool) string {
	var b strings.Builder
	if triage {
		fmt.Fprintf(&b, "Terima kasih, Bapak/Ibu. Pertanyaan Bapak/Ibu kami catat dengan nomor tiket %s "+
			"dan diteruskan ke petugas %s untuk diarahkan ke dinas yang tepat.", t.Code, opdName)
	} else {
		fmt.Fprintf(&b, "Terima kasih, Bapak/Ibu. Pertanyaan Bapak/Ibu sudah kami teruskan ke %s dengan nomor tiket %s.", opdName, t.Code)
	}
	if !clockStarts.Equal(t.CreatedAt) {
		fmt.Fprintf(&b, " Saat ini di luar jam kerja; waktu penanganan dihitung mulai %s.", x.when(clockStarts))
	}
	fmt.Fprintf(&b, " Petugas akan menjawab paling lambat %s.", x.when(t.FirstResponseDue))
	return b.String()
}

// CommentFAQAnswer is an answer from the FAQ to a question in a comment,
// sent as the private reply to it. There is no feedback question: the
// citizen's answer would come by direct message, a conversation of its
// own.
func (Texts) CommentFAQAnswer(answer string) string {
	return answer + "\n\nJawaban ini kami kirim atas komentar Bapak/Ibu. Bila masih ada pertanyaan, silakan balas pesan ini."
}

// CommentPublicNote is the short public reply under a comment whose answer
// went by direct message. Everyone reads it, so it says nothing of the
// question or the citizen.
func (Texts) CommentPublicNote() string {
	return "Terima kasih, Bapak/Ibu 🙏 Jawabannya sudah kami kirim lewat pesan langsung (DM)."
}

// Appended acknowledges a follow-up added to an open ticket.
func (Texts) Appended(code string) string {
	return fmt.Sprintf("Pesan Bapak/Ibu sudah kami tambahkan ke tiket %s. Petugas akan membalas di sini.", code)
}

// NewQuestion confirms the next message starts a new ticket.
func (Texts) NewQuestion() string {
	return "Baik, silakan tulis pertanyaan baru Bapak/Ibu."
}

// MediaHint answers a voice note or document: text is easier to handle.
func (Texts) MediaHint() string {
	return "Terima kasih, berkas Bapak/Ibu sudah kami simpan. Agar cepat ditangani, mohon tuliskan juga pertanyaan atau laporan Bapak/Ibu dalam bentuk teks."
}

// LocationHint answers a location or photo sent with no question yet.
func (Texts) LocationHint() string {
	return "Terima kasih, sudah kami terima. Mohon tuliskan juga pertanyaan atau laporan Bapak/Ibu agar dapat kami teruskan."
}

// SlowDown is sent once when a citizen writes too many messages too fast.
func (Texts) SlowDown() string {
	return "Mohon maaf, Bapak/Ibu mengirim banyak pesan dalam waktu singkat. Semua pesan tetap kami simpan; mohon tunggu balasan petugas."
}

// Status lists the citizen's tickets.
func (x Texts) Status(tickets []sigap.Ticket, opdName func(string) string) string {
	if len(tickets) == 0 {
		return "Bapak/Ibu belum memiliki tiket. Silakan tulis pertanyaan Bapak/Ibu."
	}
	var b strings.Builder
	b.WriteString("Tiket Bapak/Ibu:")
	for _, t := range tickets {
		fmt.Fprintf(&b, "\n\n%s — %s\nStatus: %s", t.Code, opdName(t.OPD), x.statusWord(t))
		if !t.Open() {
			continue
		}
		if t.FirstResponseAt.IsZero() {
			fmt.Fprintf(&b, "\nJawaban pertama paling lambat %s.", x.when(t.FirstResponseDue))
		} else {
			fmt.Fprintf(&b, "\nTarget selesai %s.", x.when(t.ResolutionDue))
		}
	}
	return b.String()
}

func (Texts) statusWord(t sigap.Ticket) string {
	switch {
	case t.Status == sigap.StatusResolved:
		return "selesai"
	case t.Status == sigap.StatusPending:
		return "menunggu tanggapan Bapak/Ibu"
	case t.FirstResponseAt.IsZero():
		return "menunggu jawaban petugas"
	default:
		return "sedang ditangani"
	}
}

// TicketNotFound answers "cek KODE" for a code that is not the citizen's.
func (Texts) TicketNotFound(code string) string {
	return fmt.Sprintf("Tiket %s tidak ditemukan. Ketik 'status' untuk melihat semua tiket Bapak/Ibu.", code)
}

// RatingThanks thanks the citizen for a rating.
func (Texts) RatingThanks() string {
	return "Terima kasih atas penilaian Bapak/Ibu. Masukan ini membantu kami memperbaiki layanan."
}

// StaffReply wraps a staff reply with the OPD's name.
func (Texts) StaffReply(opdName, text string) string {
	return "[" + opdName + "] " + text
}

// Transferred tells the citizen their ticket moved to another OPD.
func (x Texts) Transferred(code, opdName string, due time.Time) string {
	return fmt.Sprintf("Tiket %s kami teruskan ke %s yang menangani hal ini. Petugas akan menjawab paling lambat %s.", code, opdName, x.when(due))
}

// Resolved is the closing notice with the rating question.
func (Texts) Resolved(code, opdName string) string {
	return fmt.Sprintf("Tiket %s telah diselesaikan oleh %s. Bila masih ada yang kurang, silakan tulis lagi.\n\n"+
		"Mohon nilai layanan kami: balas angka 1 (sangat kurang) sampai 5 (sangat baik).", code, opdName)
}

// Merged tells the citizen their ticket joined another about the same
// matter.
func (Texts) Merged(code, opdName string) string {
	return fmt.Sprintf("Laporan Bapak/Ibu dengan tiket %s kami gabungkan dengan laporan lain tentang hal yang sama, agar ditangani bersama oleh %s. "+
		"Jawaban petugas tetap kami kirim ke sini.", code, opdName)
}

// YoureWelcome answers a thank-you.
func (Texts) YoureWelcome() string {
	return "Sama-sama, Bapak/Ibu 🙏"
}

// StaffReplySent confirms to a staff member on Telegram that their answer
// went to the citizen.
func (Texts) StaffReplySent(code string) string {
	return fmt.Sprintf("✅ Balasan Anda terkirim ke warga (tiket %s).", code)
}

// StaffResolved confirms to a staff member on Telegram that /selesai
// resolved the ticket.
func (Texts) StaffResolved(code string) string {
	return fmt.Sprintf("✅ Tiket %s diselesaikan; warga diminta memberi penilaian.", code)
}

// StaffActionFailed tells a staff member on Telegram why their answer did
// not go through.
func (Texts) StaffActionFailed(code, why string) string {
	return fmt.Sprintf("⚠️ Tiket %s: %s", code, why)
}

// StaffHowToAnswer explains answering from Telegram to a staff member who
// sent /selesai without replying to a ticket's message, or replied to a
// message about several tickets.
func (Texts) StaffHowToAnswer() string {
	return "Untuk menjawab atau menyelesaikan tiket dari Telegram, balas (reply) pesan Sigap yang menyebut satu tiket, " +
		"misalnya pesan tiket baru. Pesan tiket baru dapat diaktifkan di halaman profil dasbor Sigap."
}

// StaffLinked confirms a staff member's Telegram link for SLA alerts.
func (Texts) StaffLinked(name string) string {
	return fmt.Sprintf("Akun Telegram ini sudah terhubung dengan akun petugas %s. Peringatan SLA akan dikirim ke sini.", name)
}

// StaffLinkFailed says a /link code was not valid.
func (Texts) StaffLinkFailed() string {
	return "Kode tautan tidak valid, sudah dipakai, atau sudah lewat 15 menit. Buat kode baru di halaman profil dasbor Sigap."
}
