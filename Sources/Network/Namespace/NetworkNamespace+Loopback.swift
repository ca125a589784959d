extension NetworkNamespace {
    /// Brings `lo` up inside the namespace: all a container with network mode `none` gets.
    /// (`attach` does this too, so bridged containers need no separate call.)
    public func bringLoopbackUp() throws(NetworkError) {
        let inside = try NetlinkSocket.open(in: self)
        let loopback = try inside.requireLink(named: "lo")
        if !loopback.isUp { try inside.setLink(index: loopback.index, up: true) }
    }
}
