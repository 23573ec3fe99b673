package delivery_test

import (
	"fmt"
	"mime"
	"net/mail"
	"slices"
	"strings"
	"testing"
	"time"

	"guli"
	"guli/delivery"
	"guli/internal/dbtest"
	"guli/internal/testserver"
)

// A dependent's news is e-mailed to their guardians too: a kept child,
// who has no address, through their mother; a grandmother with her own
// account, to herself and to her son, the subject saying whom it is for.
// What the son did for her is told to her alone. One guardian's server
// refuses at first: the retry mails only him, not the grandmother again,
// though it is the same notification.
func TestADependentsNewsIsEmailedToTheirGuardians(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		mailer := newSMTPServer(t)
		s, c, w := setup(t, e, &delivery.SMTP{Addr: mailer.ln.Addr().String(), From: "noreply@guli.example.org", Timeout: 10 * time.Second})
		staff := s.Login(t, testserver.StaffPhone, testserver.Password)
		person := func(name, phone, email string) (string, string) {
			id, token := s.Register(t, name, phone)
			if r := s.Do(t, "PATCH", "/api/v1/me", token, map[string]any{"email": email, "email_on": true}); r.Status != 200 {
				t.Fatalf("set e-mail: %d %s", r.Status, r.Body)
			}
			return id, token
		}
		_, mother := person("李芳", "13900000201", "li.fang@163.com")
		grandmaID, grandma := person("张阿婆", "13900000202", "zhang.apo@163.com")
		_, son := person("张伟", "13900000203", "zhang.wei@163.com")
		child := s.Do(t, "POST", "/api/v1/me/dependents", mother, map[string]any{"name": "小明", "birth_year": time.Now().Year() - 8, "relation": "child"}).JSON(t)["id"].(string)
		link := s.Do(t, "POST", "/api/v1/me/dependents/link", son, map[string]any{"phone": "13900000202"}).JSON(t)["id"].(string)
		if r := s.Do(t, "POST", "/api/v1/links/"+link+"/accept", grandma, nil); r.Status != 200 {
			t.Fatalf("accept: %d %s", r.Status, r.Body)
		}
		id := activity(t, s, staff, "重阳节茶话会", 1)
		if r := s.Do(t, "POST", "/api/v1/activities/"+id+"/registrations", mother, map[string]any{"user_id": child}); r.Status != 201 {
			t.Fatalf("sign the child up: %d %s", r.Status, r.Body)
		}
		runDue(t, w, 0) // a child signed up by their mother is told nothing
		if r := s.Do(t, "POST", "/api/v1/activities/"+id+"/registrations", son, map[string]any{"user_id": grandmaID}); r.Status != 201 {
			t.Fatalf("sign the grandmother up: %d %s", r.Status, r.Body)
		}
		runDue(t, w, 1)
		if got := subjects(t, mailer.messages()); fmt.Sprint(got) != "[zhang.apo@163.com 张伟为您报名了：重阳节茶话会]" {
			t.Fatalf("what the son did: %v", got)
		}

		mailer.setReject("zhang.wei@163.com", true)
		if r := s.Do(t, "DELETE", "/api/v1/activities/"+id, staff, nil); r.Status != 204 {
			t.Fatalf("cancel: %d %s", r.Status, r.Body)
		}
		runDue(t, w, 1)
		want := []string{
			"li.fang@163.com 给小明的：活动取消：重阳节茶话会",
			"zhang.apo@163.com 活动取消：重阳节茶话会",
			"zhang.apo@163.com 张伟为您报名了：重阳节茶话会",
		}
		slices.Sort(want)
		if got := subjects(t, mailer.messages()); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("after the first try: %v, want %v", got, want)
		}
		mailer.setReject("zhang.wei@163.com", false)
		c.Add(guli.JobBackoff(1))
		runDue(t, w, 1)
		runDue(t, w, 0)
		want = append(want, "zhang.wei@163.com 给张阿婆的：活动取消：重阳节茶话会")
		slices.Sort(want)
		if got := subjects(t, mailer.messages()); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("after the retry: %v, want %v", got, want)
		}
	})
}

// subjects are the messages' recipients and subjects, sorted.
func subjects(t *testing.T, msgs []smtpMessage) []string {
	t.Helper()
	var out []string
	for _, m := range msgs {
		parsed, err := mail.ReadMessage(strings.NewReader(m.Data))
		if err != nil {
			t.Fatal(err)
		}
		subject, err := new(mime.WordDecoder).DecodeHeader(parsed.Header.Get("Subject"))
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, strings.Join(m.To, ",")+" "+subject)
	}
	slices.Sort(out)
	return out
}
