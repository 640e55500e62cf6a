"""An ldx file-system image in memory, for tests that build or damage one
on purpose: test_fsck (corruptions), test_fsimage (big and hostile images)
and the image fuzzer (imgfuzz.py).

The format's numbers are read from kernel/fs.h and kernel/param.h, the one
place they are stated; the struct layouts below follow kernel/fs.h.
Python 3 standard library only.
"""

import os
import re
import struct

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class ImageError(Exception):
    """The image cannot do what was asked (full, no such name)."""


def _defines(*headers):
    """{NAME: int} for every `#define NAME <integer>` in the headers, and
    for every `#define NAME (A + B)` made of names already known and
    integers (NADDRS)."""
    out = {}
    sums = []
    for h in headers:
        with open(os.path.join(ROOT, h)) as f:
            text = f.read()
        for m in re.finditer(r"(?m)^#define\s+(\w+)\s+(0x[0-9a-fA-F]+|\d+)u?\b",
                             text):
            out[m.group(1)] = int(m.group(2), 0)
        sums += re.findall(r"(?m)^#define\s+(\w+)\s+\((\w+)\s*\+\s*(\w+)\)",
                           text)
    for name, a, b in sums:
        terms = [out.get(x, int(x) if x.isdigit() else None) for x in (a, b)]
        if None not in terms:
            out[name] = terms[0] + terms[1]
    return out


_D = _defines("kernel/fs.h", "kernel/param.h", "kernel/stat.h")
BSIZE = _D["BSIZE"]
ROOTINO = _D["ROOTINO"]
FSMAGIC = _D["FSMAGIC"]
NDIRECT = _D["NDIRECT"]
NADDRS = _D["NADDRS"]  # block numbers in an inode
DIRSIZ = _D["DIRSIZ"]
MAXLINK = _D["MAXLINK"]
FSSIZE = _D["FSSIZE"]
T_DIR, T_FILE, T_DEVICE = _D["T_DIR"], _D["T_FILE"], _D["T_DEVICE"]
NINDIRECT = BSIZE // 4
MAXFILE = NDIRECT + NINDIRECT
BPB = BSIZE * 8

SB_FMT = "<8I"          # magic size nblocks ninodes nlog logstart inodestart bmapstart
SB_FIELDS = ("magic", "size", "nblocks", "ninodes", "nlog", "logstart",
             "inodestart", "bmapstart")
DINODE_FMT = "<4hI%dI" % NADDRS  # type major minor nlink size addrs
DINODE_SIZE = struct.calcsize(DINODE_FMT)
DIRENT_FMT = "<H%ds" % DIRSIZ
DIRENT_SIZE = struct.calcsize(DIRENT_FMT)
IPB = BSIZE // DINODE_SIZE
ZERO = bytes(BSIZE)


class Image:
    """An image's bytes and its superblock, with just enough of the format
    to damage it on purpose and to build small trees correctly (as the
    kernel would, link counts included)."""

    def __init__(self, path):
        with open(path, "rb") as f:
            self.b = bytearray(f.read())
        self.read_super()

    def read_super(self):
        (self.magic, self.size, self.nblocks, self.ninodes, self.nlog,
         self.logstart, self.inodestart, self.bmapstart) = \
            struct.unpack_from(SB_FMT, self.b, BSIZE)
        self.datastart = self.size - self.nblocks

    def save(self, path):
        """Write the image, sparse: blocks of zeroes become holes."""
        with open(path, "wb") as f:
            for blk in range(len(self.b) // BSIZE):
                data = self.b[blk * BSIZE:(blk + 1) * BSIZE]
                if data != ZERO:
                    f.seek(blk * BSIZE)
                    f.write(data)
            f.truncate(len(self.b))

    def block(self, blk):
        return self.b[blk * BSIZE:(blk + 1) * BSIZE]

    # inodes: a list [type, major, minor, nlink, size, addrs...]
    def _ioff(self, inum):
        return (self.inodestart + inum // IPB) * BSIZE + (inum % IPB) * DINODE_SIZE

    def inode(self, inum):
        return list(struct.unpack_from(DINODE_FMT, self.b, self._ioff(inum)))

    def put_inode(self, inum, v):
        struct.pack_into(DINODE_FMT, self.b, self._ioff(inum), *v)

    def set_field(self, inum, index, value):
        v = self.inode(inum)
        v[index] = value
        self.put_inode(inum, v)

    def used(self, blk):
        off = self.bmapstart * BSIZE + blk // 8
        return (self.b[off] >> (blk % 8)) & 1

    def mark(self, blk, on):
        off = self.bmapstart * BSIZE + blk // 8
        if on:
            self.b[off] |= 1 << (blk % 8)
        else:
            self.b[off] &= ~(1 << (blk % 8)) & 0xff

    def claim_block(self, blk):
        """Mark blk used and zero it; it must be a free data block."""
        if blk < self.datastart or blk >= self.size or self.used(blk):
            raise ImageError("block %d is not a free data block" % blk)
        self.mark(blk, 1)
        self.b[blk * BSIZE:(blk + 1) * BSIZE] = ZERO
        return blk

    def alloc_block(self):
        for blk in range(self.datastart, self.size):
            if not self.used(blk):
                return self.claim_block(blk)
        raise ImageError("test image is full")

    def alloc_inode(self, typ):
        for inum in range(ROOTINO, self.ninodes):
            if self.inode(inum)[0] == 0:
                self.put_inode(inum, [typ, 0, 0, 1, 0] + [0] * NADDRS)
                return inum
        raise ImageError("test image has no free inode")

    def bmap(self, inum, bn):
        """Block number of inum's block bn (0 if none)."""
        v = self.inode(inum)
        if bn < NDIRECT:
            return v[5 + bn]
        ind = v[5 + NDIRECT]
        if ind == 0 or ind >= self.size:
            return 0
        return struct.unpack_from("<I", self.b, ind * BSIZE + 4 * (bn - NDIRECT))[0]

    def entries(self, dnum):
        """[(offset in image, inum, name)] of directory dnum."""
        v = self.inode(dnum)
        out = []
        for off in range(0, v[4] - DIRENT_SIZE + 1, DIRENT_SIZE):
            blk = self.bmap(dnum, off // BSIZE)
            if blk == 0 or blk >= self.size:
                break
            pos = blk * BSIZE + off % BSIZE
            inum, name = struct.unpack_from(DIRENT_FMT, self.b, pos)
            out.append((pos, inum, name.rstrip(b"\0").decode("latin-1")))
        return out

    def add_entry(self, dnum, name, inum):
        v = self.inode(dnum)
        off = v[4]
        bn = off // BSIZE
        if bn >= NDIRECT:  # a big (or damaged) size: only direct blocks grow here
            raise ImageError("directory %d: no direct block for offset %d"
                             % (dnum, off))
        if v[5 + bn] == 0:
            v[5 + bn] = self.alloc_block()
        pos = v[5 + bn] * BSIZE + off % BSIZE
        struct.pack_into(DIRENT_FMT, self.b, pos, inum, name.encode())
        v[4] = off + DIRENT_SIZE
        self.put_inode(dnum, v)

    def mkdir(self, parent, name):
        """A directory made as the kernel makes one (nlink rules included)."""
        d = self.alloc_inode(T_DIR)
        self.add_entry(d, ".", d)
        self.add_entry(d, "..", parent)
        self.add_entry(parent, name, d)
        p = self.inode(parent)
        p[3] += 1
        self.put_inode(parent, p)
        return d

    def add_file(self, parent, name, blocks, size=None, fill=b"x"):
        """A file named name in parent holding the given data blocks (in
        order; the indirect block is allocated where it falls), size bytes
        long (default: all of them).  Returns its inode number."""
        if len(blocks) > MAXFILE:
            raise ImageError("more than MAXFILE blocks")
        f = self.alloc_inode(T_FILE)
        v = self.inode(f)
        ind = None
        for bn, blk in enumerate(blocks):
            self.claim_block(blk)
            self.b[blk * BSIZE:(blk + 1) * BSIZE] = (fill * BSIZE)[:BSIZE]
            if bn < NDIRECT:
                v[5 + bn] = blk
            else:
                if ind is None:
                    ind = self.alloc_block()
                    v[5 + NDIRECT] = ind
                struct.pack_into("<I", self.b, ind * BSIZE + 4 * (bn - NDIRECT), blk)
        v[4] = len(blocks) * BSIZE if size is None else size
        self.put_inode(f, v)
        self.add_entry(parent, name, f)
        return f

    def spread_blocks(self, n, offset=0):
        """n free data blocks spread evenly over the free part of the data
        area, so a file made of them touches as many bitmap blocks as it
        can; offset picks another set of the same shape."""
        free = [b for b in range(self.datastart, self.size) if not self.used(b)]
        step = len(free) // n
        if step < 2:
            raise ImageError("no room to spread %d blocks" % n)
        return [free[i * step + offset % step] for i in range(n)]

    def lookup(self, dnum, name):
        for pos, inum, n in self.entries(dnum):
            if inum and n == name:
                return inum, pos
        raise ImageError("test image: no %r in inode %d" % (name, dnum))

    def a_file(self, max_size=None):
        """Some regular file with at least one block, from the root (and
        at most max_size bytes, if given)."""
        for pos, inum, name in self.entries(ROOTINO):
            if inum and name not in (".", ".."):
                v = self.inode(inum)
                if v[0] == T_FILE and v[5] and (max_size is None or
                                                v[4] <= max_size):
                    return inum
        raise ImageError("fs.img has no regular file with data")

    def read_file(self, inum):
        """The bytes of file inum (its size, as far as its blocks go)."""
        size = self.inode(inum)[4]
        out = bytearray()
        for bn in range((size + BSIZE - 1) // BSIZE):
            blk = self.bmap(inum, bn)
            if blk == 0 or blk >= self.size:
                break
            out += self.block(blk)
        return bytes(out[:size])

    def root_files(self):
        """[(name, bytes)] of the regular files in the root directory."""
        out = []
        for pos, inum, name in self.entries(ROOTINO):
            if inum and self.inode(inum)[0] == T_FILE:
                out.append((name, self.read_file(inum)))
        return out


def remake(src, dst, blocks, tmpdir):
    """Build dst with mkfs -s blocks, holding the root files of image src
    (fs.img's programs and README, in a file system of another size)."""
    import subprocess
    files = []
    os.makedirs(tmpdir, exist_ok=True)
    for name, data in Image(src).root_files():
        p = os.path.join(tmpdir, name)
        with open(p, "wb") as f:
            f.write(data)
        files.append(p)
    subprocess.run([os.path.join(ROOT, "mkfs", "mkfs"), "-s", str(blocks), dst]
                   + files, check=True, stdout=subprocess.DEVNULL, timeout=120)
