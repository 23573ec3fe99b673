// Command guli runs a Guli community service station: the web pages, the
// JSON API and the database migrations, in one binary.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"net/netip"
	"os"
	"os/signal"
	"runtime/debug"
	"strconv"
	"strings"
	"syscall"
	"time"
	_ "time/tzdata" // station time zones work on machines without a zone database

	"guli"
	"guli/delivery"
	"guli/demo"
	"guli/i18n"
	"guli/sms"
	"guli/sqlstore"
	"guli/web"
	"guli/web/core"
	"guli/worker"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "guli:", err)
		}
		os.Exit(2)
	}
}

const usage = `guli runs a community service station.

Commands:
  guli serve [--addr HOST:PORT] [--db PATH|postgres://...] [--demo] [--metrics-addr HOST:PORT] [--sms log|tencent]
             [--worker=false] [--smtp-addr HOST:PORT --smtp-from ADDR [--smtp-user USER]] [--wecom-private-networks]
             [--trust-proxy ADDRS] [--drain DURATION]
  guli migrate [--db ...]
  guli user add --name NAME --phone PHONE --password PW --role ROLE [--role ROLE] [--area ID] [--station ID] [--db ...]
  guli demo --residents N [--stations M] [--seed S] [--anchor YYYY-MM-DD] [--accounts FILE] [--db ...]
  guli demo [--residents N --activities N [--registrations N]] [--seed N] [--db ...]
  guli demo --like-seed [--db ...]
  guli ledger check [--db ...]
  guli check [--db ...]
  guli import residents FILE --station ID [--dry-run] [--lang en|zh-CN] [--db ...]
  guli backup [--db ...] FILE   (SQLite, while guli serve runs; restore: stop, copy FILE back)

Environment: GULI_ADDR and GULI_DB set the defaults of --addr and --db;
GULI_SMTP_PASSWORD is the SMTP password (never a flag: flags show in ps).
`

// run is the whole program; main only wires the process to it.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return flag.ErrHelp
	}
	switch args[0] {
	case "serve":
		return serve(ctx, args[1:], getenv, stdout, stderr)
	case "migrate":
		return migrate(ctx, args[1:], getenv, stdout, stderr)
	case "user":
		if len(args) < 2 || args[1] != "add" {
			fmt.Fprint(stderr, usage)
			return errors.New(`unknown command: try "guli user add"`)
		}
		return userAdd(ctx, args[2:], getenv, stdout, stderr)
	case "demo":
		return demoCmd(ctx, args[1:], getenv, stdout, stderr)
	case "ledger":
		if len(args) < 2 || args[1] != "check" {
			fmt.Fprint(stderr, usage)
			return errors.New(`unknown command: try "guli ledger check"`)
		}
		return ledgerCheck(ctx, args[2:], getenv, stdout, stderr)
	case "check":
		return check(ctx, args[1:], getenv, stdout, stderr)
	case "import":
		if len(args) < 2 || args[1] != "residents" {
			fmt.Fprint(stderr, usage)
			return errors.New(`unknown command: try "guli import residents FILE --station ID"`)
		}
		return importResidents(ctx, args[2:], getenv, stdout, stderr)
	case "backup":
		return backup(ctx, args[1:], getenv, stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return fmt.Errorf("unknown command %q", args[0])
}

func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

func newFlags(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("guli "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}

// openDB opens and migrates the database.
func openDB(ctx context.Context, dsn string, logger *slog.Logger) (*sqlstore.DB, error) {
	return openDBWith(ctx, dsn, sqlstore.Options{Logger: logger})
}

func openDBWith(ctx context.Context, dsn string, opts sqlstore.Options) (*sqlstore.DB, error) {
	db, err := sqlstore.Open(ctx, dsn, opts)
	if err != nil {
		return nil, err
	}
	if err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

func serve(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := newFlags("serve", stderr)
	addr := fs.String("addr", orDefault(getenv("GULI_ADDR"), "127.0.0.1:8080"), "address to listen on")
	dsn := fs.String("db", orDefault(getenv("GULI_DB"), "guli.db"), "SQLite file or postgres:// URL")
	withDemo := fs.Bool("demo", false, "fill an empty database with a demo station")
	trustProxy := fs.String("trust-proxy", getenv("GULI_TRUST_PROXY"), "the reverse proxies' addresses (IPs or CIDR blocks, comma-separated): only their X-Forwarded-For is believed")
	secure := fs.Bool("secure-cookies", getenv("GULI_SECURE_COOKIES") == "true", "mark cookies Secure (serving over HTTPS)")
	baseURL := fs.String("base-url", getenv("GULI_BASE_URL"), "public address for links that leave the site (QR codes, calendar feeds)")
	metricsAddr := fs.String("metrics-addr", getenv("GULI_METRICS_ADDR"), "also serve /metrics without sign-in on this address (keep it internal)")
	synchronous := fs.String("sqlite-synchronous", orDefault(getenv("GULI_SQLITE_SYNCHRONOUS"), "full"), "SQLite durability: full (survives power cuts) or normal (faster commits)")
	smsKind := fs.String("sms", getenv("GULI_SMS"), "text registration codes with: tencent, log (development: codes go to the log), or nothing (registration needs no code)")
	runJobs := fs.Bool("worker", getenv("GULI_WORKER") != "false", "run the job worker (WeCom messages, e-mail) in this process")
	smtpAddr := fs.String("smtp-addr", getenv("GULI_SMTP_ADDR"), "e-mail notifications through this SMTP server (host:port); none: no e-mail")
	smtpFrom := fs.String("smtp-from", getenv("GULI_SMTP_FROM"), "the sender address of e-mail notifications")
	smtpUser := fs.String("smtp-user", getenv("GULI_SMTP_USER"), "SMTP user name, if the server wants one (the password is GULI_SMTP_PASSWORD)")
	wecomPrivate := fs.Bool("wecom-private-networks", getenv("GULI_WECOM_PRIVATE_NETWORKS") == "true",
		"let WeCom robot addresses be on this machine or a private network (a relay of your own); off, only public addresses are called")
	drain := fs.String("drain", orDefault(getenv("GULI_DRAIN"), "0s"),
		"on SIGTERM, answer /readyz 503 for this long, serving as before, then stop: behind a proxy, longer than its health checks' interval")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *metricsAddr != "" && *metricsAddr == *addr && !strings.HasSuffix(*addr, ":0") {
		return errors.New("--metrics-addr must be an address of its own, not --addr's: metrics and profiles are served there without sign-in")
	}
	drainFor, err := time.ParseDuration(*drain)
	if err != nil || drainFor < 0 || drainFor > time.Minute {
		return fmt.Errorf("--drain %q: give a duration up to a minute, e.g. 5s", *drain)
	}
	mailer, err := smtpMailer(*smtpAddr, *smtpFrom, *smtpUser, getenv("GULI_SMTP_PASSWORD"))
	if err != nil {
		return err
	}
	proxies, err := core.ParseProxies(*trustProxy)
	if err != nil {
		return err
	}
	logger := slog.New(slog.NewTextHandler(stderr, nil))
	start := time.Now()
	tuneGC(getenv)

	sender, err := smsSender(*smsKind, getenv, logger)
	if err != nil {
		return err
	}
	db, err := openDBWith(ctx, *dsn, sqlstore.Options{Logger: logger, Synchronous: *synchronous, Email: mailer != nil})
	if err != nil {
		return err
	}
	defer db.Close()
	var svcOpts []sqlstore.Option
	if sender != nil {
		svcOpts = append(svcOpts, sqlstore.WithSMS(sender))
	} else {
		logger.Warn("no SMS sender: anyone can register any phone number (see --sms)")
	}
	services := sqlstore.NewServices(db, svcOpts...)
	if *withDemo {
		res, err := demo.Seed(ctx, services)
		if err != nil {
			return fmt.Errorf("demo data: %w", err)
		}
		printDemo(stdout, res)
	}
	go sweep(ctx, db, logger)
	catalog := i18n.MustLoad()
	jobsDone := make(chan struct{})
	if *runJobs {
		deliverer := delivery.New(delivery.Config{Store: sqlstore.NewDeliveries(db), Catalog: catalog, Mail: mailer,
			BaseURL: *baseURL, Now: db.Now, Logger: logger, PrivateNetworks: *wecomPrivate})
		w := worker.New(sqlstore.NewJobs(db), deliverer.Handlers(), worker.Options{Logger: logger})
		db.OnEnqueue(w.Wake)
		go func() { w.Run(ctx); close(jobsDone) }()
	} else {
		close(jobsDone)
		logger.Warn("no job worker in this process (--worker=false): WeCom messages and e-mail wait for one")
	}
	go remind(ctx, services.Reminders, logger)

	srv, err := web.New(web.Config{
		Services:       services,
		DB:             db,
		Changes:        db,
		Logger:         logger,
		Catalog:        catalog,
		SecureCookies:  *secure,
		TrustedProxies: proxies,
		BaseURL:        *baseURL,
	})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	httpServer := &http.Server{
		Handler:           srv,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		// Headers are small; Go's 1 MiB default lets a flood of junk
		// headers hold gigabytes.
		MaxHeaderBytes: 64 << 10,
		ErrorLog:       slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	// Live streams never end by themselves: a shutdown ends them.
	httpServer.RegisterOnShutdown(srv.CloseStreams)
	errc := make(chan error, 2)
	if *metricsAddr != "" {
		mln, err := net.Listen("tcp", *metricsAddr)
		if err != nil {
			ln.Close()
			return fmt.Errorf("--metrics-addr %s: %w", *metricsAddr, err)
		}
		if a, err := netip.ParseAddrPort(mln.Addr().String()); err == nil && !internal(a.Addr()) {
			logger.Warn("metrics and profiles are served without sign-in on every interface or a public address: give --metrics-addr an internal one (127.0.0.1:9080)", "addr", mln.Addr().String())
		}
		metricsServer := &http.Server{Handler: metricsMux(srv), ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 120 * time.Second, MaxHeaderBytes: 64 << 10}
		defer metricsServer.Close()
		go func() { errc <- metricsServer.Serve(mln) }()
		fmt.Fprintf(stdout, "Metrics at http://%s/metrics\n", mln.Addr())
	}
	fmt.Fprintf(stdout, "Guli is serving http://%s (database: %s)\n", ln.Addr(), db.Engine())
	logger.Info("started", "addr", ln.Addr().String(), "db", db.Engine(), "startup", time.Since(start))

	go func() { errc <- httpServer.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	// A second Ctrl-C or SIGTERM stops the process at once, drain or not:
	// every acknowledged write is committed already.
	signal.Reset(os.Interrupt, syscall.SIGTERM)
	if drainFor > 0 {
		// The proxy's health checks see "not ready" and send new
		// requests elsewhere; this process goes on serving meanwhile, so
		// none it is sent fails for its stopping.
		srv.Drain()
		logger.Info("draining: /readyz answers 503 before the server stops", "for", drainFor)
		select {
		case <-time.After(drainFor):
		case err := <-errc:
			return err
		}
	}
	// In-flight requests finish; every acknowledged write is already committed.
	logger.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := httpServer.Shutdown(shutdownCtx); err != nil {
		return err
	}
	select { // the worker finishes the job in hand
	case <-jobsDone:
	case <-shutdownCtx.Done():
	}
	fmt.Fprintln(stdout, "Guli stopped.")
	return nil
}

// tuneGC lets the heap grow to five times what is live before collecting,
// within a soft limit, unless GOGC or GOMEMLIMIT say otherwise. Guli's
// live heap is tens of megabytes while each page makes short-lived
// garbage; at Go's default the collector took a tenth of the CPU of a busy
// server. The limit keeps the process near 250 MiB under the full load
// mix (it peaked at 330 MiB under 512 MiB, as fast).
func tuneGC(getenv func(string) string) {
	if getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
	if getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(200 << 20)
	}
}

// internal reports whether an address is reached from this machine or a
// private network only.
func internal(ip netip.Addr) bool {
	ip = ip.Unmap()
	return ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast()
}

// metricsMux serves the metrics and Go's profiles (/debug/pprof/: CPU,
// heap, allocations, goroutines, mutexes, traces), for the internal
// --metrics-addr only: profiles show the program's insides. Not the
// command line (pprof's cmdline), which can hold a database password.
func metricsMux(srv *web.Server) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", srv.MetricsHandler())
	mux.HandleFunc("GET /debug/pprof/", pprof.Index)
	mux.HandleFunc("GET /debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("GET /debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("GET /debug/pprof/trace", pprof.Trace)
	return mux
}

// sweep deletes expired sessions, codes and throttle records at start and
// every hour until ctx ends.
func sweep(ctx context.Context, db *sqlstore.DB, logger *slog.Logger) {
	tick := time.NewTicker(time.Hour)
	defer tick.Stop()
	for {
		sw, err := db.Sweep(ctx)
		if err != nil && ctx.Err() == nil {
			logger.Warn("sweep failed", "err", err)
		} else if err == nil {
			logger.Info("swept", "sessions", sw.Sessions, "failures", sw.Failures, "codes", sw.Codes, "devices", sw.Devices, "photos", sw.Photos, "rosters", sw.Rosters)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// smtpMailer builds the e-mail sender the flags name; nil for none.
func smtpMailer(addr, from, user, password string) (*delivery.SMTP, error) {
	if addr == "" {
		return nil, nil
	}
	if _, _, err := net.SplitHostPort(addr); err != nil {
		return nil, fmt.Errorf("--smtp-addr must be host:port: %w", err)
	}
	if from == "" {
		return nil, errors.New("--smtp-addr needs --smtp-from, the sender's address")
	}
	clean, err := guli.NormalizeEmail("smtp-from", from)
	if err != nil {
		return nil, fmt.Errorf("--smtp-from %q is not an e-mail address", from)
	}
	return &delivery.SMTP{Addr: addr, From: clean, User: user, Password: password, Timeout: 30 * time.Second}, nil
}

// remind sends the reminders that are due, every minute. Several
// processes may run it at once: each reminder goes out once.
func remind(ctx context.Context, reminders guli.ReminderService, logger *slog.Logger) {
	tick := time.NewTicker(time.Minute)
	defer tick.Stop()
	for {
		sent, err := reminders.SendDueReminders(ctx)
		if err != nil && ctx.Err() == nil {
			logger.Warn("reminders failed", "err", err)
		} else if sent != (guli.Reminded{}) {
			logger.Info("reminded", "activities", sent.Activities, "registrants", sent.Registrants,
				"help_requests", sent.HelpRequests, "staff", sent.StaffNotified)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// smsSender builds the text-message sender --sms names; nil for none.
func smsSender(kind string, getenv func(string) string, logger *slog.Logger) (guli.SMSSender, error) {
	switch kind {
	case "":
		return nil, nil
	case "log":
		logger.Warn("SMS codes are written to this log, not texted: for development only")
		return sms.NewLog(logger), nil
	case "tencent":
		minutes := 0
		if v := getenv("GULI_SMS_TENCENT_VALID_MINUTES"); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 {
				return nil, fmt.Errorf("GULI_SMS_TENCENT_VALID_MINUTES: not a number of minutes: %q", v)
			}
			minutes = n
		}
		return sms.NewTencent(sms.TencentConfig{
			SecretID:     getenv("GULI_SMS_TENCENT_SECRET_ID"),
			SecretKey:    getenv("GULI_SMS_TENCENT_SECRET_KEY"),
			Region:       getenv("GULI_SMS_TENCENT_REGION"),
			AppID:        getenv("GULI_SMS_TENCENT_APP_ID"),
			SignName:     getenv("GULI_SMS_TENCENT_SIGN_NAME"),
			TemplateID:   getenv("GULI_SMS_TENCENT_TEMPLATE_ID"),
			Endpoint:     getenv("GULI_SMS_TENCENT_ENDPOINT"),
			ValidMinutes: minutes,
		})
	}
	return nil, fmt.Errorf("--sms must be tencent, log or empty, not %q", kind)
}

func printDemo(w io.Writer, res *demo.Result) {
	if !res.Created {
		fmt.Fprintf(w, "Demo: the database already has a station (%s); nothing added.\n", res.Station.Name)
		return
	}
	fmt.Fprintf(w, "Demo: created %s with %d areas and %d rooms.\n", res.Station.Name, len(res.Station.Areas), len(res.Station.Rooms))
	fmt.Fprintf(w, "Demo accounts (password %q):\n", demo.Password)
	for _, a := range res.Accounts {
		fmt.Fprintf(w, "  %s  %-9s %v\n", a.Phone, a.Name, a.Roles)
	}
}

// demoLikeSeed fills an empty database with 顾里小站's history, the
// services' clock moving through 2023 as it goes, and prints the
// figures counted from it.
func demoLikeSeed(ctx context.Context, dsn string, stdout, stderr io.Writer) error {
	clock := demo.NewClock(time.Now())
	db, err := openDBWith(ctx, dsn, sqlstore.Options{Logger: slog.New(slog.NewTextHandler(stderr, nil)), Now: clock.Now, BulkLoad: true})
	if err != nil {
		return err
	}
	defer db.Close()
	svc := sqlstore.NewServices(db)
	start := time.Now()
	res, err := demo.LikeSeed(ctx, svc, clock, db)
	if err != nil {
		return err
	}
	took := time.Since(start)
	if err := db.Analyze(ctx); err != nil {
		return fmt.Errorf("statistics after the fill: %w", err)
	}
	printDemo(stdout, res)
	f, err := svc.Stats.Stats(ctx, guli.StatsQuery{StationID: res.Station.ID, From: string(demo.HistoryFrom), To: string(demo.HistoryTo)})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "History: %s from %s to %s, written in %s (%s). Its figures, counted from the records:\n",
		res.Station.Name, demo.HistoryFrom, demo.HistoryTo, took.Round(100*time.Millisecond), db.Engine())
	for _, line := range []struct {
		name string
		n    int
	}{{"days open", f.DaysOpen}, {"visits", f.Visits}, {"residents", f.Residents}, {"volunteers", f.Volunteers},
		{"activities held", f.ActivitiesHeld}, {"attendances", f.Attendances}, {"help requests", f.HelpRequests},
		{"residents who asked for help", f.HelpRequesters}, {"services completed", f.ServicesCompleted}, {"volunteer hours", f.VolunteerMinutes / 60}} {
		fmt.Fprintf(stdout, "  %-29s %6d\n", line.name, line.n)
	}
	return nil
}

// openOnly opens (and migrates) the database of a command whose only flag
// is --db.
func openOnly(ctx context.Context, name string, args []string, getenv func(string) string, stderr io.Writer) (*sqlstore.DB, error) {
	fs := newFlags(name, stderr)
	dsn := fs.String("db", orDefault(getenv("GULI_DB"), "guli.db"), "SQLite file or postgres:// URL")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	return openDB(ctx, *dsn, slog.New(slog.NewTextHandler(stderr, nil)))
}

// openExisting opens (and migrates) the database of a command that reads
// one already there (guli check, guli ledger check): a SQLite file that is
// not there is a mistyped name, not a new database to check.
func openExisting(ctx context.Context, name string, args []string, getenv func(string) string, stderr io.Writer) (*sqlstore.DB, error) {
	fs := newFlags(name, stderr)
	dsn := fs.String("db", orDefault(getenv("GULI_DB"), "guli.db"), "SQLite file or postgres:// URL")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if !sqlstore.IsPostgres(*dsn) {
		if _, err := os.Stat(strings.TrimPrefix(*dsn, "file:")); err != nil {
			return nil, fmt.Errorf("%s: no database at %s", name, *dsn)
		}
	}
	return openDB(ctx, *dsn, slog.New(slog.NewTextHandler(stderr, nil)))
}

func migrate(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	db, err := openOnly(ctx, "migrate", args, getenv, stderr)
	if err != nil {
		return err
	}
	defer db.Close()
	fmt.Fprintf(stdout, "Migrated %s database.\n", db.Engine())
	return nil
}

// ledgerCheck recomputes every time-bank balance from the ledger's entries
// and fails on the first mismatch.
func ledgerCheck(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	db, err := openExisting(ctx, "ledger check", args, getenv, stderr)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.CheckLedger(ctx); err != nil {
		return fmt.Errorf("the time bank's ledger is wrong: %w", err)
	}
	fmt.Fprintln(stdout, "The time bank's ledger holds: its entries sum to zero, every balance is the sum of its entries, and nobody's is below zero.")
	return nil
}

// backup copies a SQLite database to a new file while it is in use. It
// opens the database without migrating it: a server may be running on it.
// Restoring is copying the file back while no server runs on it.
func backup(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := newFlags("backup", stderr)
	dsn := fs.String("db", orDefault(getenv("GULI_DB"), "guli.db"), "SQLite file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	rest := fs.Args()
	if len(rest) > 0 { // guli backup FILE --db ...: flags after the file too
		if err := fs.Parse(rest[1:]); err != nil {
			return err
		}
		rest = append(rest[:1], fs.Args()...)
	}
	if len(rest) != 1 {
		fmt.Fprint(stderr, usage)
		return errors.New("backup: name one file to write, e.g. guli backup guli-2023-10-15.db")
	}
	if sqlstore.IsPostgres(*dsn) {
		return errors.New("backup: back PostgreSQL up with pg_dump (see the README)")
	}
	if _, err := os.Stat(*dsn); err != nil {
		return fmt.Errorf("backup: no database at %s", *dsn)
	}
	db, err := sqlstore.Open(ctx, *dsn, sqlstore.Options{Logger: slog.New(slog.NewTextHandler(stderr, nil))})
	if err != nil {
		return err
	}
	defer db.Close()
	start := time.Now()
	if err := db.Backup(ctx, rest[0]); err != nil {
		return err
	}
	info, err := os.Stat(rest[0])
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Backed up %s to %s (%d bytes) in %v.\n", *dsn, rest[0], info.Size(), time.Since(start).Round(time.Millisecond))
	return nil
}

// repeated collects a flag given several times (--role staff --role admin).
type repeated []string

func (r *repeated) String() string     { return strings.Join(*r, ",") }
func (r *repeated) Set(v string) error { *r = append(*r, v); return nil }

func userAdd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := newFlags("user add", stderr)
	dsn := fs.String("db", orDefault(getenv("GULI_DB"), "guli.db"), "SQLite file or postgres:// URL")
	name := fs.String("name", "", "the person's name")
	phone := fs.String("phone", "", "mainland mobile number")
	pw := fs.String("password", "", "password, at least 8 characters")
	area := fs.String("area", "", "residential area ID")
	var roles, stations repeated
	fs.Var(&roles, "role", "role: resident, volunteer, talent, staff or admin (repeatable)")
	fs.Var(&stations, "station", "station ID a staff member works at (repeatable; the only station when left out)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	in := guli.NewUserInput{Name: *name, Phone: *phone, Password: *pw}
	if *area != "" {
		in.AreaID = guli.ParseID(*area)
	}
	for _, r := range roles {
		in.Roles = append(in.Roles, guli.Role(r))
	}
	for _, st := range stations {
		id := guli.ParseID(st)
		if id == guli.NoID {
			return fmt.Errorf("--station %q is not a station ID", st)
		}
		in.StationIDs = append(in.StationIDs, id)
	}
	if in.Phone == "" || in.Password == "" || len(in.Roles) == 0 {
		fs.Usage()
		return errors.New("--name, --phone, --password and --role are required")
	}
	// The command line is an edge like HTTP: text is checked here, once.
	for flag, v := range map[string]string{"--name": in.Name, "--phone": in.Phone, "--password": in.Password} {
		if !guli.ValidText(v) {
			return fmt.Errorf("%s holds characters that are not text (invalid UTF-8 or a control character)", flag)
		}
	}
	db, err := openDB(ctx, *dsn, slog.New(slog.NewTextHandler(stderr, nil)))
	if err != nil {
		return err
	}
	defer db.Close()
	u, err := sqlstore.NewAccounts(db, nil).CreateUser(guli.NewContextWithUser(ctx, guli.SystemUser), in)
	if err != nil {
		return describe(err)
	}
	fmt.Fprintln(stdout, u.ID)
	return nil
}

// describe spells out a domain error for the terminal, in English.
func describe(err error) error {
	e := guli.AsError(err)
	if len(e.Fields) == 0 {
		return err
	}
	cat := i18n.MustLoad()
	var parts []string
	for f, reason := range e.Fields {
		parts = append(parts, f+": "+cat.T(i18n.English, "field."+reason))
	}
	return fmt.Errorf("%s (%s)", e.Code, strings.Join(parts, "; "))
}

func demoCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := newFlags("demo", stderr)
	dsn := fs.String("db", orDefault(getenv("GULI_DB"), "guli.db"), "SQLite file or postgres:// URL")
	residents := fs.Int("residents", 0, "write a district of this many synthetic residents into an empty database; with --activities or --registrations, add them to the demo station")
	stations := fs.Int("stations", 0, "the district's stations, 顾里小站 the first (default: one for each 10,000 residents)")
	anchor := fs.String("anchor", "", "the district's today, YYYY-MM-DD: its year of records ends the day before (default: today in Shanghai)")
	accounts := fs.String("accounts", "", "write the district's stations and accounts to sign in as to this JSON file")
	activities := fs.Int("activities", 0, "add this many synthetic activities over the 30 days from tomorrow")
	registrations := fs.Int("registrations", 0, "register the new residents for the new activities this many times")
	seed := fs.Uint64("seed", 1, "random seed for synthetic data")
	likeSeed := fs.Bool("like-seed", false, "fill an empty database with the history of 顾里小站 from 2023-02-10 to 2023-10-15, whose figures read as the article's")
	if err := fs.Parse(args); err != nil {
		return err
	}
	district := *residents > 0 && *activities == 0 && *registrations == 0
	switch {
	case *likeSeed && (*residents != 0 || *activities != 0 || *registrations != 0 || *stations != 0):
		return errors.New("--like-seed writes the history alone: leave out --residents, --stations, --activities and --registrations")
	case *likeSeed:
		return demoLikeSeed(ctx, *dsn, stdout, stderr)
	case *residents < 0 || *activities < 0 || *registrations < 0 || *stations < 0:
		return errors.New("--residents, --stations, --activities and --registrations must not be negative")
	case !district && (*stations != 0 || *anchor != "" || *accounts != ""):
		return errors.New("--stations, --anchor and --accounts are for a district: give --residents N alone (without --activities or --registrations)")
	case district:
		return demoDistrict(ctx, *dsn, *residents, *stations, *seed, *anchor, *accounts, stdout, stderr)
	case *registrations > 0 && (*residents == 0 || *activities == 0):
		return errors.New("--registrations needs --residents and --activities: it registers the residents it adds for the activities it adds")
	}
	db, err := openDB(ctx, *dsn, slog.New(slog.NewTextHandler(stderr, nil)))
	if err != nil {
		return err
	}
	defer db.Close()
	svc := sqlstore.NewServices(db)
	res, err := demo.Seed(ctx, svc)
	if err != nil {
		return err
	}
	printDemo(stdout, res)
	var userIDs, activityIDs []guli.ID
	if *residents > 0 {
		start := time.Now()
		if userIDs, err = demo.Residents(ctx, svc, res.Station.ID, *residents, *seed); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "Added %d synthetic residents in %s.\n", len(userIDs), time.Since(start).Round(time.Millisecond))
	}
	if *activities > 0 {
		start := time.Now()
		now := time.Now().In(res.Station.Location())
		tomorrow := time.Date(now.Year(), now.Month(), now.Day()+1, 0, 0, 0, 0, now.Location())
		if activityIDs, err = demo.Activities(ctx, svc, res.Station.ID, tomorrow, *activities, *seed); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "Added %d synthetic activities from %s to %s in %s.\n", len(activityIDs),
			tomorrow.Format(time.DateOnly), tomorrow.AddDate(0, 0, 29).Format(time.DateOnly), time.Since(start).Round(time.Millisecond))
	}
	if *registrations > 0 {
		start := time.Now()
		n, err := demo.Registrations(ctx, svc, activityIDs, userIDs, *registrations, *seed)
		if err != nil {
			return err
		}
		took := time.Since(start)
		fmt.Fprintf(stdout, "Added %d synthetic registrations in %s (%.0f a second).\n", n, took.Round(time.Millisecond), float64(n)/took.Seconds())
	}
	if *residents+*activities > 0 {
		if err := db.Analyze(ctx); err != nil {
			return fmt.Errorf("statistics after the load: %w", err)
		}
	}
	return nil
}
