#!/usr/bin/env python3
"""The interactive assessment, driven through a pseudo-terminal as a person would: answer,
go back and change an answer, save and stop, resume, finish. Then the stored answers are
read back through `cvom explain --format json`."""
import json
import os
import pty
import select
import subprocess
import sys
import tempfile
import time

CVOM = os.path.abspath(sys.argv[1])


class Term:
    def __init__(self, args, env, cwd):
        self.master, slave = pty.openpty()
        self.p = subprocess.Popen(args, stdin=slave, stdout=slave, stderr=slave, env=env,
                                  cwd=cwd, close_fds=True)
        os.close(slave)
        self.buf = ''

    def expect(self, text, timeout=20):
        end = time.time() + timeout
        while text not in self.buf:
            left = end - time.time()
            if left <= 0:
                raise AssertionError('timed out waiting for %r; screen so far:\n%s' %
                                     (text, self.buf[-2000:]))
            r, _, _ = select.select([self.master], [], [], left)
            if r:
                try:
                    data = os.read(self.master, 4096)
                except OSError:
                    data = b''
                if not data:
                    raise AssertionError('program ended waiting for %r:\n%s' %
                                         (text, self.buf[-2000:]))
                self.buf += data.decode('utf-8', 'replace')
        at = self.buf.index(text) + len(text)
        seen, self.buf = self.buf[:at], self.buf[at:]
        return seen

    def send(self, line):
        os.write(self.master, (line + '\r').encode())

    def wait(self):
        try:
            while True:
                r, _, _ = select.select([self.master], [], [], 5)
                if not r or not os.read(self.master, 4096):
                    break
        except OSError:
            pass
        return self.p.wait(timeout=20)


N = 30  # items of the default instrument (version 2)


def main():
    with tempfile.TemporaryDirectory() as d:
        env = dict(os.environ, CVOM_DB=os.path.join(d, 'x.db'), TERM='dumb', NO_COLOR='1')
        def cvom(*a):
            return subprocess.run([CVOM] + list(a), env=env, cwd=d, capture_output=True,
                                  text=True, check=True).stdout
        cvom('account', 'add', 'Acme', '--external-id', 'A1')
        cvom('stakeholder', 'add', 'A1', 'Jane', '--influence', '1')
        args = [CVOM, 'assess', 'A1', '--stakeholder', 'Jane', '--date', '2026-05-01']

        t = Term(args, env, d)
        t.expect('[1/%d] INT01' % N)
        t.expect('answer> ')
        t.send('7')
        t.expect('[2/%d] INT02' % N)
        t.send('9')                         # off the scale: asked again
        t.expect('whole number from 1 to 7')
        t.send('6')
        t.expect('[3/%d] INT03' % N)
        t.send('b')                         # back to INT02, showing the saved answer
        t.expect('[2/%d] INT02' % N)
        t.expect('answer [6]> ')
        t.send('2')                         # changed
        t.expect('[3/%d] INT03' % N)
        t.send('5')
        t.expect('[4/%d] INT04' % N)
        t.send('s')                         # save and stop
        t.expect('Saved 3 answers')
        assert t.wait() == 0

        t = Term(args, env, d)
        t.expect('Resuming a saved assessment: 3 answered so far.')
        t.expect('[4/%d] INT04' % N)
        answers = {'INT04': 5, 'INT05': 6, 'INT06': 4, 'INT07': 7, 'INT08': 6, 'EMO01': 3,
                   'EMO02': 3, 'EMO03': 2, 'EMO04': 4, 'EMO05': 1, 'EMO06': 2, 'EMO07': 3,
                   'EMO08': 2, 'PRC01': 2, 'PRC02': 1, 'PRC03': None,
                   # the partnership items of version 2: pillars and trust
                   'PAS01': 6, 'PAS02': 5, 'RES01': 6, 'RES02': None, 'SEC01': 5, 'SEC02': 6,
                   'CRE01': 4, 'CRE02': 5, 'TRU01': 7, 'TRU02': 6, 'TRU03': 2}
        for i, (code, v) in enumerate(answers.items()):
            if i:
                t.expect('[%d/%d] %s' % (i + 4, N, code))
            t.expect('> ')
            t.send('' if v is None else str(v))   # Enter alone skips
        t.expect('Mark the assessment complete? [Y/n]')
        t.send('y')
        t.expect('complete: 28 of %d items answered' % N)
        assert t.wait() == 0

        ex = json.loads(cvom('explain', 'A1', '--as-of', '2026-06-01', '--format', 'json'))
        got = {a['item']: a['raw'] for a in ex['respondents'][0]['answers']}
        want = dict({'INT01': 7, 'INT02': 2, 'INT03': 5},
                    **{k: v for k, v in answers.items() if v is not None})
        assert got == want, 'stored answers differ:\n%r\n%r' % (got, want)
        # Intellectual: INT 7,2,5,5,6,4,7,6 → 100,16.67,66.67,66.67,83.33,50,100,83.33;
        # PRC01=2 → 16.67 reversed 83.33; PRC02=1 → 0 reversed 100.
        intel = [100, 100 / 6, 400 / 6, 400 / 6, 500 / 6, 50, 100, 500 / 6, 500 / 6, 100]
        v = ex['axes']['intellectual']['value']
        assert abs(v - sum(intel) / len(intel)) < 1e-9, v
        print('interactive assessment: answered, went back, saved, resumed and completed')
    return 0


if __name__ == '__main__':
    sys.exit(main())
