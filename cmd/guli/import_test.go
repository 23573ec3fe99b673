package main_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"guli"
	"guli/internal/dbtest"
	"guli/sqlstore"
)

func TestImportResidentsFromTheCommandLine(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		dsn := e.MigratedDSN(t)
		db := dbtest.OpenDSN(t, dsn)
		ctx := guli.NewContextWithUser(context.Background(), guli.SystemUser)
		svc := sqlstore.NewServices(db)
		st, err := svc.Stations.CreateStation(ctx, guli.StationInput{Name: "顾里小站", Address: "顾村",
			OpeningHours: map[string][]string{"wed": {"09:00-17:00"}}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Stations.CreateArea(ctx, st.ID, guli.AreaInput{Name: "馨佳园", Committee: "馨佳园居委会"}); err != nil {
			t.Fatal(err)
		}
		dir := t.TempDir()
		write := func(name string, lines ...string) string {
			p := filepath.Join(dir, name)
			os.WriteFile(p, []byte(strings.Join(lines, "\n")+"\n"), 0o644)
			return p
		}
		bad := write("bad.csv", "姓名,手机号,出生年份,小区", "钱秀英,13900000001,1948,馨佳园居委会", "孙桂兰,1390000,1950,馨佳园")
		good := write("good.csv", "姓名,手机号,出生年份,小区", "钱秀英,13900000001,1948,馨佳园居委会", "孙桂兰,13900000002,1950,馨佳园")
		id := st.ID.String()

		for _, dry := range []bool{true, false} {
			args := []string{"import", "residents", bad, "--station", id, "--db", dsn, "--lang", "zh-CN"}
			if dry {
				args = append(args, "--dry-run")
			}
			out, errOut, err := runGuli(t, nil, args...)
			if err == nil || !strings.Contains(out, "行 3: 手机号 “1390000”：不是 11 位手机号") || !strings.Contains(errOut, "nothing imported") {
				t.Fatalf("a roster with a bad row (dry %v): %v\n%s\n%s", dry, err, out, errOut)
			}
		}
		out, errOut, err := runGuli(t, nil, "import", "residents", "--station", id, "--db", dsn, good)
		if err != nil || !strings.Contains(out, "2 new residents created") {
			t.Fatalf("the fixed roster: %v\n%s\n%s", err, out, errOut)
		}
		out, _, err = runGuli(t, nil, "import", "residents", good, "--station", id, "--db", dsn)
		if err != nil || !strings.Contains(out, "2 already registered") {
			t.Fatalf("the fixed roster again: %v\n%s", err, out)
		}
		for _, args := range [][]string{
			{"import", "residents", good, "--db", dsn},
			{"import", "residents", "--station", id, "--db", dsn},
			{"import", "residents", filepath.Join(dir, "none.csv"), "--station", id, "--db", dsn},
			{"import", "residents", good, "--station", "99999", "--db", dsn},
			{"import", "people", good},
		} {
			if _, _, err := runGuli(t, nil, args...); err == nil {
				t.Errorf("%q succeeded", args)
			}
		}
	})
}
