package dev.helix.adapters.process;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The launcher that keeps every process of an evaluation within reach: a few lines of Perl that
 * make themselves a child subreaper ({@code prctl(PR_SET_CHILD_SUBREAPER)}), run the command and,
 * once it ends (or on SIGTERM), end whatever it left behind. A process that leaves its session
 * and scrubs its environment ({@code setsid env -i sleep 9999 &}) is still re-parented to the
 * launcher when its parent dies, so it cannot shed this; only a process that kills the launcher
 * itself escapes.
 *
 * <p>Java 21 cannot call prctl (the foreign function API is a preview there), and a compiled
 * launcher would need a compiler on the user's machine; Perl is part of every Debian and most
 * other Linux systems. Where it is missing, or the architecture's syscall number is unknown, or
 * prctl fails, {@link #available()} says so and the executor falls back to its marker sweep.
 */
final class Reaper {
    private Reaper() {}

    /** PR_SET_CHILD_SUBREAPER, from linux/prctl.h. */
    private static final int PR_SET_CHILD_SUBREAPER = 36;

    /**
     * Arguments: syscall number of prctl, grace seconds, then the command. The main child's exit
     * status becomes the launcher's; on SIGTERM (a timeout) every child gets SIGTERM, then the
     * grace, then SIGKILL until none is left. Orphans are re-parented here, so "none left among
     * my children" means none left at all.
     */
    static final String SCRIPT = """
            use POSIX (); use Time::HiRes qw(time sleep);
            my ($nr, $grace) = splice(@ARGV, 0, 2);
            syscall($nr, 36, 1, 0, 0, 0) == 0 or die "helix: prctl(PR_SET_CHILD_SUBREAPER): $!\\n";
            my ($stop, $waiting, $status) = (0, 0, undef);
            $SIG{TERM} = $SIG{INT} = $SIG{HUP} = sub { $stop = 1; die "helix-stop\\n" if $waiting };
            my $pid = fork() // die "helix: fork: $!\\n";
            if ($pid == 0) { exec { $ARGV[0] } @ARGV; print STDERR "helix: cannot run $ARGV[0]: $!\\n"; POSIX::_exit(127) }
            sub reap { while ((my $w = waitpid(-1, POSIX::WNOHANG())) > 0) { $status = $? if $w == $pid } }
            sub kids {
              my @k; opendir(my $d, "/proc") or return ();
              for my $p (grep { /^\\d+$/ } readdir $d) {
                open(my $f, "<", "/proc/$p/stat") or next; my $s = <$f>; close $f; next unless defined $s;
                $s =~ s/^.*\\) //s; my @f = split / /, $s;
                push @k, $p if $f[1] == $$ && $f[0] ne "Z" && $f[0] ne "X";
              }
              return @k;
            }
            eval {
              $waiting = 1; die "helix-stop\\n" if $stop;
              while (!defined $status) { my $w = waitpid(-1, 0); last if $w < 0; $status = $? if $w == $pid }
              $waiting = 0; 1;
            };
            $waiting = 0; $SIG{TERM} = $SIG{INT} = $SIG{HUP} = "IGNORE";
            reap(); my @k = kids();
            if (@k) {
              my %termed = map { $_ => 1 } @k; kill "TERM", @k;
              my $deadline = time + $grace;
              while (time < $deadline) {
                reap(); @k = kids(); last unless @k;
                my @new = grep { !$termed{$_} } @k; $termed{$_} = 1 for @new; kill "TERM", @new if @new;
                sleep 0.02;
              }
              my $limit = time + 10;
              while (time < $limit) { reap(); @k = kids(); last unless @k; kill "KILL", @k; sleep 0.02 }
              reap();
            }
            exit(143) unless defined $status;
            exit(($status & 127) ? 128 + ($status & 127) : $status >> 8);
            """;

    private static volatile Boolean available;

    /** Whether the launcher works here: Perl present, prctl known for this architecture and allowed. */
    static boolean available() {
        Boolean known = available;
        if (known == null) {
            known = syscallNumber().isPresent() && probe();
            available = known;
        }
        return known;
    }

    /** The launcher's argv prefix for {@code grace}; the command follows it. */
    static List<String> prefix(Duration grace) {
        String seconds = String.format(Locale.ROOT, "%.3f", grace.toMillis() / 1000.0);
        return List.of("perl", "-e", SCRIPT, Integer.toString(syscallNumber().orElseThrow()), seconds);
    }

    /** prctl's system call number, from each architecture's syscall table. */
    static Optional<Integer> syscallNumber() {
        if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")) return Optional.empty();
        return switch (System.getProperty("os.arch", "")) {
            case "amd64", "x86_64" -> Optional.of(157);
            case "aarch64", "riscv64", "loongarch64" -> Optional.of(167);
            case "x86", "i386", "i686", "arm", "s390x" -> Optional.of(172);
            case "ppc64", "ppc64le" -> Optional.of(171);
            default -> Optional.empty();
        };
    }

    private static boolean probe() {
        try {
            Process p = new ProcessBuilder("perl", "-e", "syscall(" + syscallNumber().orElseThrow() + ", "
                    + PR_SET_CHILD_SUBREAPER + ", 1, 0, 0, 0) == 0 or exit 3")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return Waits.join(p, Duration.ofSeconds(10)) && p.exitValue() == 0;
        } catch (java.io.IOException | RuntimeException e) {
            return false;
        }
    }
}
