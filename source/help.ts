import {questions} from './tree/questions.js';

/** The usage text: `--help` prints it and the README shows it (a test keeps them equal). */
export const helpText = `
  Usage
    $ refused TARGET [options]
    $ refused            (no target: asks for one, or offers a practice case)
    $ refused lab        (labs: real broken services to diagnose and fix)

  TARGET
    host:port            db.internal:5432, 10.0.0.5:8080
    [v6addr]:port        [::1]:3000, [fe80::1%eth0]:22
    host port            localhost 6379
    port                 8080 (means localhost:8080)
    URL                  https://example.org, postgres://user@db/app,
                         redis://cache, mysql://, mongodb://, amqp://, ssh://
                         (the scheme gives the default port)
    --error TEXT         the error message a client printed, as you got it
                         (curl, wget, Node, Python, Go, Java, psql, mysql,
                         redis-cli, ssh, nc, kubectl, docker); "-" reads it
                         from stdin. The walk starts where the client dialed,
                         and says when a connection now gets something else

  Options
    --json               Print the diagnosis as one JSON document (never asks)
    --markdown           Print the diagnosis as a markdown report (never asks)
    --timeout DURATION   Connect timeout per address: 3000, 3000ms, 3s (default 3s)
    --answer KEY=VALUE   Answer a question ahead of time (repeatable)
    --via DEST           Also walk the server's side, over your own ssh:
                         DEST is [USER@]HOST[:PORT] or ssh://USER@HOST:PORT
                         (one connection; nothing installed or written there)
    --tree               Print the decision tree as a chart (with a target:
                         the path of this diagnosis marked on it)
    --no-color           Plain output (also NO_COLOR=1 or TERM=dumb)
    --version            Print the version
    --help               Print this help

  Answer keys
${questions.map(q => `    ${q.help}`).join('\n')}
    client=ADDRESS  the failing client is another host, at ADDRESS: the firewall
                    step walks the rules for its packets
    via=DEST        same as --via DEST

  Keys (interactive)
    arrows, enter  move, unfold, open    tab  focus the tree or the fixes
    PgUp PgDn Home End  scroll a pane    c  copy the selected fix (OSC 52)
    b  back: change an answer            ?  learn mode: why each step runs
    r  rerun the probe (verify a fix)    e  export a markdown report
    m  the map of the whole tree         h  help
    q  quit (Ctrl-C too): the tree and the cause stay in the scrollback
    Copy uses OSC 52, which reaches your own terminal through SSH. Inside
    tmux it needs: set -g set-clipboard on

  Labs
    refused lab          the catalogue, guided or hands-on (needs a terminal)
    refused lab --list   the catalogue and your progress, as text
    refused lab --reset  clear the progress (and tear down leftovers)
    refused lab ID       hold one lab for a script: stdin lines check, quit
    Labs 8-13 build private network namespaces: they need root. Progress:
    $XDG_STATE_HOME/refused/labs.json (default ~/.local/state/refused)

  Exit codes
    0  the target accepted the connection and no problem was found
    1  a problem was found        2  bad usage        3  internal error

  Without a terminal (piped, cron, CI) it prints the markdown report.
  Read-only: it never changes this system; fixes are shown, never run.

  Examples
    $ refused localhost:5432
    $ refused https://intranet.example.org --json
    $ refused 10.0.0.5:8080 --answer proxy=no --markdown > ticket.md
    $ refused db.internal:5432 --via admin@db.internal --json
    $ refused --error 'connect ECONNREFUSED ::1:5432'
    $ node app.js 2>&1 | refused --error -
    $ refused --tree
`;
